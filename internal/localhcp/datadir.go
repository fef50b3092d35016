package localhcp

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LockFileName is the file in the data directory that a running server
// holds locked, so that two servers never share one database and one
// StateFileName. It holds the PID of the server that locked it.
const LockFileName = "server.lock"

// dirLock is a data directory held by this process. The operating system
// drops the lock when the process dies, even by SIGKILL, so a crashed server
// never blocks the next one.
type dirLock struct{ f *os.File }

// lockDataDir takes the data directory's lock, or explains who holds it.
func lockDataDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = lockFile(f)
	if errors.Is(err, errLocked) && lockedHere(f) {
		f.Close()
		return nil, inUseError(dir)
	}
	// A lock this process has just released can still be held for a moment
	// by a child it forked meanwhile (tests run servers beside terraform):
	// the lock belongs to the open file, which a fork duplicates until the
	// child's exec closes it. So when the lock file names this very process,
	// try again briefly before calling the directory in use.
	for deadline := time.Now().Add(lockRetryWindow); errors.Is(err, errLocked) && heldByThisProcess(f) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		err = lockFile(f)
	}
	if err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, inUseError(dir)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := recordPID(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	l := &dirLock{f: f}
	if err := l.register(); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return l, nil
}

// heldLocks are the data directory locks this process holds, with the
// identity of each lock file. A directory among them is in use by a server
// of this process until that server closes, so waiting for it is pointless.
var heldLocks = struct {
	sync.Mutex
	files map[*dirLock]os.FileInfo
}{files: map[*dirLock]os.FileInfo{}}

func (l *dirLock) register() error {
	fi, err := l.f.Stat()
	if err != nil {
		return err
	}
	heldLocks.Lock()
	defer heldLocks.Unlock()
	heldLocks.files[l] = fi
	return nil
}

// lockedHere reports whether f is a lock file that a dirLock of this
// process holds.
func lockedHere(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	heldLocks.Lock()
	defer heldLocks.Unlock()
	for _, held := range heldLocks.files {
		if os.SameFile(fi, held) {
			return true
		}
	}
	return false
}

// lockRetryWindow bounds how long lockDataDir waits for a lock that the
// lock file says this process holds, though no dirLock of it does.
const lockRetryWindow = time.Second

// heldByThisProcess reports whether the lock file records this process.
func heldByThisProcess(f *os.File) bool {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	return strings.TrimSpace(string(buf[:n])) == strconv.Itoa(os.Getpid())
}

func recordPID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// release removes the lock; the file stays, as deleting it would let a
// server starting at that moment lock a file that is about to vanish.
func (l *dirLock) release() error {
	if l == nil {
		return nil
	}
	heldLocks.Lock()
	delete(heldLocks.files, l)
	heldLocks.Unlock()
	return l.f.Close()
}

// inUseError names the server that holds dir: its PID from the lock file,
// its address from the state file once it listens.
func inUseError(dir string) error {
	pid := "unknown PID"
	if raw, err := os.ReadFile(filepath.Join(dir, LockFileName)); err == nil && strings.TrimSpace(string(raw)) != "" {
		pid = "PID " + strings.TrimSpace(string(raw))
	}
	where := "still starting"
	if st, err := readState(dir); err == nil {
		where = "listening on " + st.URL
	}
	return fmt.Errorf("data directory %s is in use by another localhcp (%s, %s): stop that one, or pass another --data", dir, pid, where)
}

// redirectRisk is what another user who may write the data directory or
// the state file could do.
const redirectRisk = "redirect `localhcp env` to their own server and receive the client secret"

// readState reads StateFileName after checking that only its owner can
// have written it.
func readState(dir string) (State, error) {
	path := filepath.Join(dir, StateFileName)
	if err := checkPrivate(path, "state file", redirectRisk); err != nil {
		return State{}, err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return State{}, err
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil || st.Address == "" {
		return State{}, fmt.Errorf("%s is damaged: restart `localhcp serve --data %s`", path, dir)
	}
	return st, nil
}

// writeState records where the server listens.
func writeState(dir string, st State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return writePrivateFile(dir, StateFileName, b)
}

// writePrivateFile writes a file of the data directory that only its owner
// may read (0600). It writes a temporary file and renames it, so a reader
// never sees half of it.
func writePrivateFile(dir, name string, data []byte) error {
	path := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, name+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// removeState deletes StateFileName; a missing one is fine.
func removeState(dir string) error {
	err := os.Remove(filepath.Join(dir, StateFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
