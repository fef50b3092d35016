//go:build unix

package localhcp

import (
	"syscall"
	"testing"
	"time"
)

// A server restarted in-process on its data directory must not be refused
// because a child forked at the moment of the release still holds a copy of
// the lock file's descriptor: the duplicate stands in for that child.
func TestLockHeldOnlyByAForkedCopyIsTakenOnceTheCopyCloses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	child, err := syscall.Dup(int(first.f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.release(); err != nil {
		t.Fatal(err)
	}
	exec := time.AfterFunc(100*time.Millisecond, func() { syscall.Close(child) }) // the child's exec closes its copy
	defer exec.Stop()
	second, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("the lock was not taken after the forked copy closed: %v", err)
	}
	if err := second.release(); err != nil {
		t.Fatal(err)
	}
}

// A data directory that a server of this very process holds is refused at
// once: the wait for a forked copy of the lock is for locks nothing here
// holds any more.
func TestLockHeldByThisProcessIsRefusedWithoutWaiting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = first.release() }()
	start := time.Now()
	second, err := lockDataDir(dir)
	if err == nil {
		_ = second.release()
		t.Fatal("a second lock was taken on a data directory in use")
	}
	if elapsed := time.Since(start); elapsed >= lockRetryWindow {
		t.Errorf("refused after %v, want at once rather than after the %v retry window", elapsed, lockRetryWindow)
	}
}
