// Package procstat records what one provider process cost — CPU time, peak
// resident memory, wall time — as the plugin wrapper measures it when the
// provider exits, and reads those records back for the benchmark tables.
package procstat

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Environment variables through which the benchmark driver tells the plugin
// wrapper (started by Terraform, which passes its environment on) where the
// real provider is and where to put the records.
const (
	EnvProvider = "HCPPACKER_BENCH_PROVIDER"
	EnvDir      = "HCPPACKER_BENCH_RUSAGE_DIR"
)

// Record is the cost of one provider process.
type Record struct {
	PID       int           `json:"pid"`
	User      time.Duration `json:"user_ns"`
	System    time.Duration `json:"system_ns"`
	MaxRSSKiB int64         `json:"max_rss_kib"`
	Wall      time.Duration `json:"wall_ns"`
	ExitCode  int           `json:"exit_code"`
}

// CPU is user plus system time.
func (r Record) CPU() time.Duration { return r.User + r.System }

// Write stores r in dir under a name of its own.
func Write(dir string, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".%d.tmp", r.PID))
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	// Rename, so a reader never sees half a record.
	return os.Rename(tmp, filepath.Join(dir, fmt.Sprintf("provider-%d.json", r.PID)))
}

// ReadAll returns every record in dir and removes them, so the next command
// measured with the same dir starts from none.
func ReadAll(dir string) ([]Record, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Record
	var errs []error
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "provider-") || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		out = append(out, r)
		errs = append(errs, os.Remove(path))
	}
	return out, errors.Join(errs...)
}

// Summary is the cost of all provider processes of one Terraform command.
type Summary struct {
	Processes int
	CPU       time.Duration // summed over the processes
	PeakRSS   int64         // KiB, the largest of the processes
}

// Summarize adds up records.
func Summarize(rs []Record) Summary {
	var s Summary
	for _, r := range rs {
		s.Processes++
		s.CPU += r.CPU()
		s.PeakRSS = max(s.PeakRSS, r.MaxRSSKiB)
	}
	return s
}
