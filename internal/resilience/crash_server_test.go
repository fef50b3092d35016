package resilience

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// crashServerDataEnv, when set, makes this test binary serve localhcp on the
// data directory it names instead of running tests: the crash-safety test
// re-executes itself this way so that it can SIGKILL a real server process.
const crashServerDataEnv = "RESILIENCE_CRASH_SERVER_DATA"

// crashServerAddrEnv, when set, is the address the server process listens
// on, so that a restarted server takes over its predecessor's port.
const crashServerAddrEnv = "RESILIENCE_CRASH_SERVER_ADDR"

// crashServerInfo is the one JSON line the server process prints once it
// accepts requests: where it listens and a contributor's credentials.
type crashServerInfo struct {
	URL          string `json:"url"`
	Organization string `json:"organization"`
	Project      string `json:"project"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// serveForCrashTest runs in the re-executed process: it starts localhcp on
// dir as `localhcp serve --data dir` does, prints crashServerInfo, and
// serves until its standard input closes, so a server whose test died never
// outlives it, or until SIGTERM, on which it shuts down as `localhcp serve`
// does. The test normally ends it with SIGKILL.
func serveForCrashTest(dir string) int {
	srv, err := localhcp.Start(localhcp.Options{DataDir: dir, Addr: os.Getenv(crashServerAddrEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash-test server:", err)
		return 1
	}
	p := srv.Principal("contributor")
	line, _ := json.Marshal(crashServerInfo{
		URL: srv.URL(), Organization: srv.OrganizationID(), Project: srv.ProjectID(),
		ClientID: p.ClientID, ClientSecret: p.ClientSecret,
	})
	fmt.Println(string(line))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "crash-test server: stop:", err)
		return 1
	}
	return 0
}

// crashServer is a localhcp running in a child process.
type crashServer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	info  crashServerInfo
	// exited is closed once the process has ended; waitErr is then
	// Wait's result.
	exited  chan struct{}
	waitErr error
}

// startCrashServer re-executes the test binary as a localhcp server on dir
// and waits until it accepts requests. addr is where it listens ("" for any
// free port).
func startCrashServer(t *testing.T, dir string, addr ...string) *crashServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashServerDataEnv+"="+dir, crashServerAddrEnv+"="+strings.Join(addr, ""))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the localhcp server process: %v", err)
	}
	s := &crashServer{cmd: cmd, stdin: stdin, exited: make(chan struct{})}
	// Wait reads the remaining stdout, so the first line is read first.
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() { s.kill(t) })

	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &s.info); err != nil || s.info.URL == "" {
			s.kill(t)
			t.Fatalf("the localhcp server process did not start: %q\n%s", line, stderr.String())
		}
	case <-time.After(30 * time.Second):
		s.kill(t)
		t.Fatalf("the localhcp server process did not start within 30s:\n%s", stderr.String())
	}
	return s
}

// kill ends the server with SIGKILL, as a crash or an OOM killer would, and
// waits for the process to be gone. Killing a dead server does nothing.
func (s *crashServer) kill(t *testing.T) { s.signal(t, syscall.SIGKILL) }

// signal sends sig to the server and waits for the process to be gone.
func (s *crashServer) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	select {
	case <-s.exited:
		return
	default:
	}
	if err := s.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("send %s to the localhcp server process %d: %v", sig, s.cmd.Process.Pid, err)
	}
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		t.Errorf("the localhcp server process %d did not end within 30s of %s", s.cmd.Process.Pid, sig)
	}
}

// stop ends the server gracefully by closing its standard input.
func (s *crashServer) stop(t *testing.T) {
	t.Helper()
	_ = s.stdin.Close()
	select {
	case <-s.exited:
		if s.waitErr != nil {
			t.Errorf("the localhcp server process ended badly: %v", s.waitErr)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("the localhcp server process did not stop within 30s")
		s.kill(t)
	}
}
