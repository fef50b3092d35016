package procstat

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRecordsRoundTripAndAreConsumed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := []Record{
		{PID: 11, User: 120 * time.Millisecond, System: 30 * time.Millisecond, MaxRSSKiB: 40_000, Wall: time.Second},
		{PID: 12, User: 200 * time.Millisecond, System: 50 * time.Millisecond, MaxRSSKiB: 90_000, Wall: 2 * time.Second, ExitCode: 1},
	}
	for _, r := range in {
		if err := Write(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	// Files that are not records are left alone.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	got, err := ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("ReadAll = %+v, want 2 records", got)
	}
	byPID := map[int]Record{got[0].PID: got[0], got[1].PID: got[1]}
	for _, r := range in {
		if byPID[r.PID] != r {
			t.Errorf("record %d came back as %+v, want %+v", r.PID, byPID[r.PID], r)
		}
	}
	s := Summarize(got)
	if s.Processes != 2 || s.CPU != 400*time.Millisecond || s.PeakRSS != 90_000 {
		t.Errorf("Summarize = %+v, want 2 processes, 400ms CPU, peak 90000 KiB", s)
	}

	again, err := ReadAll(dir)
	if err != nil || len(again) != 0 {
		t.Fatalf("second ReadAll = %+v, %v; records must be consumed once", again, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("ReadAll removed a file that is not a record: %v", err)
	}
}
