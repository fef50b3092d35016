package localhcp_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func TestSecondServerOnOneDataDirIsRefusedWithTheHoldersPIDAndAddress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := startServer(t, localhcp.Options{DataDir: dir})
	second, err := localhcp.Start(localhcp.Options{DataDir: dir})
	if err == nil {
		second.Close()
		t.Fatal("a second server started on a data directory in use")
	}
	for _, want := range []string{dir, fmt.Sprintf("PID %d", os.Getpid()), first.URL(), "another --data"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// The refused server must not have touched the running one's state.
	if _, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0); err != nil {
		t.Fatalf("env after the refused start: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	startServer(t, localhcp.Options{DataDir: dir}) // the lock is released on Close
}

func TestEnvRefusesAServerThatDoesNotAnswer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startServer(t, localhcp.Options{DataDir: dir})
	state := readStateFile(t, dir)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	// What a SIGKILLed server leaves behind: its state file, and nothing
	// listening at the address it names.
	writeStateFile(t, dir, state)
	_, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0)
	if err == nil || !strings.Contains(err.Error(), "does not answer") || !strings.Contains(err.Error(), state.URL) {
		t.Fatalf("env against a dead server: %v", err)
	}
	// The next server replaces the stale file before it listens.
	next := startServer(t, localhcp.Options{DataDir: dir})
	if got := readStateFile(t, dir); got.Address != next.Addr() {
		t.Fatalf("state file names %s, the new server listens on %s", got.Address, next.Addr())
	}
	if _, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0); err != nil {
		t.Fatal(err)
	}
}

func TestEnvRefusesAServerWithAnotherCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	startServer(t, localhcp.Options{DataDir: dir})
	impostor := startServer(t, localhcp.Options{})
	state := readStateFile(t, dir)
	state.Address, state.URL = impostor.Addr(), impostor.URL()
	writeStateFile(t, dir, state)
	_, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0)
	if err == nil || !strings.Contains(err.Error(), "does not present the certificate") {
		t.Fatalf("env against a server with another certificate: %v", err)
	}
}

func TestEnvWaitReturnsOnceTheServerAnswersAndFailsAtItsBound(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := time.Now()
	_, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no localhcp answered within 300ms") {
		t.Fatalf("env --wait with no server: %v", err)
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond || elapsed > 5*time.Second {
		t.Fatalf("env --wait 300ms returned after %s", elapsed)
	}

	type result struct {
		env []string
		err error
	}
	done := make(chan result, 1)
	go func() {
		env, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 30*time.Second)
		done <- result{env, err}
	}()
	srv := startServer(t, localhcp.Options{DataDir: dir})
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if want := "HCP_API_ADDRESS=" + srv.Addr(); !slices.Contains(r.env, want) {
			t.Fatalf("env = %v, want %s", r.env, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("env --wait did not return within 30s of the server starting")
	}
}

func TestDataDirWritableByOthersIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startServer(t, localhcp.Options{DataDir: dir})
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	_, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0)
	if err == nil || !strings.Contains(err.Error(), "writable by other users") || !strings.Contains(err.Error(), "chmod go-w") {
		t.Fatalf("env on a world-writable data directory: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err := localhcp.Start(localhcp.Options{DataDir: dir}); err == nil {
		s.Close()
		t.Fatal("serve started on a world-writable data directory")
	} else if !strings.Contains(err.Error(), "writable by other users") {
		t.Fatalf("serve on a world-writable data directory: %v", err)
	}
}

func TestStateFileWritableByOthersIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	startServer(t, localhcp.Options{DataDir: dir})
	path := filepath.Join(dir, localhcp.StateFileName)
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	_, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0)
	if err == nil || !strings.Contains(err.Error(), "state file "+path+" is writable by other users") {
		t.Fatalf("env with a world-writable state file: %v", err)
	}
	if os.Getuid() == 0 {
		// Only root can hand a file to another user.
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(path, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		_, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0)
		if err == nil || !strings.Contains(err.Error(), "belongs to user id 65534") {
			t.Fatalf("env with a state file of another user: %v", err)
		}
	}
}

func readStateFile(t *testing.T, dir string) localhcp.State {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, localhcp.StateFileName))
	if err != nil {
		t.Fatal(err)
	}
	var st localhcp.State
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func writeStateFile(t *testing.T, dir string, st localhcp.State) {
	t.Helper()
	raw, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, localhcp.StateFileName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A TLS key others may read, or a certificate they may replace, lets them
// pose as this localhcp to clients that trust the data directory's
// certificate: serve refuses both rather than use them.
func TestTLSFilesOpenToOthersAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		mode os.FileMode
		want string
	}{
		{localhcp.KeyFileName, 0o644, "TLS key %s is readable by other users (mode 0644)"},
		{localhcp.KeyFileName, 0o622, "TLS key %s is writable by other users"},
		{localhcp.CertFileName, 0o666, "TLS certificate %s is writable by other users"},
	} {
		t.Run(fmt.Sprintf("%s %04o", tc.file, tc.mode), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := startServer(t, localhcp.Options{DataDir: dir}).Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.file)
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			s, err := localhcp.Start(localhcp.Options{DataDir: dir})
			if err == nil {
				s.Close()
				t.Fatalf("serve started with %s at mode %04o", tc.file, tc.mode)
			}
			if want := fmt.Sprintf(tc.want, path); !strings.Contains(err.Error(), want) {
				t.Fatalf("serve with %s at mode %04o: %v, want %q", tc.file, tc.mode, err, want)
			}
		})
	}
}
