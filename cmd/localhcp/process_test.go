//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// localhcpProcess runs the built localhcp with args and returns its exit
// code and output.
func localhcpProcess(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(localhcpBinary(t), "localhcp"), args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = 30 * time.Second
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// startServeProcess starts `localhcp serve` on dir as its own process and
// waits until env sees it answer.
func startServeProcess(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(filepath.Join(localhcpBinary(t), "localhcp"), "serve", "--addr", "127.0.0.1:0", "--data", dir, "--quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	if code, _, errOut := localhcpProcess(t, "env", "--data", dir, "--wait", "30s"); code != 0 {
		t.Fatalf("env --wait 30s after serve started: exit %d: %s", code, errOut)
	}
	return cmd
}

func TestEnvNeverPrintsTheAddressOfAKilledServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := startServeProcess(t, dir)

	code, _, errOut := localhcpProcess(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	want := fmt.Sprintf("in use by another localhcp (PID %d, listening on https://127.0.0.1:", first.Process.Pid)
	if code != 1 || !strings.Contains(errOut, want) {
		t.Fatalf("second serve on one data directory: exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}

	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	code, out, errOut := localhcpProcess(t, "env", "--data", dir)
	if code != 1 || out != "" || !strings.Contains(errOut, "does not answer") {
		t.Fatalf("env after kill -9: exit %d, stdout %q, stderr %q; want 1, nothing printed, and why", code, out, errOut)
	}
	code, _, errOut = localhcpProcess(t, "env", "--data", dir, "--wait", "300ms")
	if code != 1 || !strings.Contains(errOut, "no localhcp answered within 300ms") {
		t.Fatalf("env --wait 300ms after kill -9: exit %d, stderr %q", code, errOut)
	}

	// The next server takes over the directory the killed one left behind.
	startServeProcess(t, dir)
}
