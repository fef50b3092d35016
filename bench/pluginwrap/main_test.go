package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/bench/internal/procstat"
)

func TestWrapperPassesStreamsAndExitCodeAndRecordsUsage(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{procstat.EnvProvider: "/bin/sh", procstat.EnvDir: dir}
	var stdout, stderr bytes.Buffer
	// The stand-in provider reads stdin, prints a handshake-like line
	// and its arguments, burns a little CPU and exits with 3.
	script := `read line; echo "1|6|unix|/tmp/sock|grpc|$line"; echo "args: $0 $1" >&2; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 3`
	code := run([]string{"-c", script, "sh", "first"}, func(k string) string { return env[k] },
		strings.NewReader("cert\n"), &stdout, &stderr)

	if code != 3 {
		t.Errorf("exit code = %d, want the provider's 3", code)
	}
	if got := stdout.String(); got != "1|6|unix|/tmp/sock|grpc|cert\n" {
		t.Errorf("stdout = %q: the handshake line must pass through unchanged", got)
	}
	if got := stderr.String(); got != "args: sh first\n" {
		t.Errorf("stderr = %q, want the provider's own", got)
	}
	records, err := procstat.ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1 {
		t.Fatalf("records = %+v, want one", records)
	}
	r := records[0]
	if r.ExitCode != 3 || r.PID <= 0 || r.CPU() <= 0 || r.MaxRSSKiB <= 0 || r.Wall <= 0 {
		t.Errorf("record %+v lacks the provider's usage", r)
	}
}

func TestWrapperRefusesToRunUnconfigured(t *testing.T) {
	var stderr bytes.Buffer
	code := run(nil, func(string) string { return "" }, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), procstat.EnvProvider) {
		t.Fatalf("unconfigured wrapper: code %d, stderr %q; want 1 and the variable to set", code, stderr.String())
	}
}
