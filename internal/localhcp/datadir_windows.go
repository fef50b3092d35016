//go:build windows

package localhcp

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// errLocked says that another process holds the lock.
var errLocked = errors.New("locked by another process")

// lockFile locks one byte far past the PID the file holds: Windows locks
// are mandatory, and the PID must stay readable by the server that is
// refused.
func lockFile(f *os.File) error {
	ol := &windows.Overlapped{OffsetHigh: 1}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}

// checkPrivate accepts every path on Windows: access there is governed by
// ACLs, and a directory under the user's profile (the default) is private
// to that user.
func checkPrivate(string, string, string) error { return nil }

// checkUnreadable accepts every file on Windows, for the reason
// checkPrivate does.
func checkUnreadable(string, string, string) error { return nil }
