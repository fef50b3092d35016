//go:build unix

package localhcp

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errLocked says that another process holds the lock.
var errLocked = errors.New("locked by another process")

func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

// checkPrivate refuses a data directory or a file in it that another user
// owns or may write. Such a user could point the state file at their own
// listener, and `localhcp env` would hand them a client secret, or replace
// the OIDC issuer key with one they hold; risk says which. Fixing
// the mode ourselves is no remedy: the directory may be a shared one such
// as /tmp, and what it held while it was open to others cannot be trusted.
// Files owned by root are accepted, as root can change anything anyway.
func checkPrivate(path, what, risk string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid && st.Uid != 0 {
		return fmt.Errorf("%s %s belongs to user id %d, not to you (%d): another user could %s; use a directory of your own (--data DIR)",
			what, path, st.Uid, uid, risk)
	}
	if mode := fi.Mode().Perm(); mode&0o022 != 0 {
		return fmt.Errorf("%s %s is writable by other users (mode %04o): they could %s; run `chmod go-w %s` or use a private directory (--data DIR)",
			what, path, mode, risk, path)
	}
	return nil
}

// checkUnreadable refuses a file of secrets that users other than its
// owner may read: the OIDC issuer key, with which anyone who reads it mints
// tokens localhcp trusts. A private data directory would hide it, but
// checkPrivate accepts a directory others may list and enter.
func checkUnreadable(path, what, risk string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if mode := fi.Mode().Perm(); mode&0o044 != 0 {
		return fmt.Errorf("%s %s is readable by other users (mode %04o): they could %s; run `chmod 600 %s`",
			what, path, mode, risk, path)
	}
	return nil
}
