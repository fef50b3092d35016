package doctest

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// goSettings are the Go settings a build keeps from the real environment: the
// caches (a cold build takes minutes) and how modules are fetched. Nothing
// else of the user's setup comes along.
var goSettings = []string{"GOCACHE", "GOMODCACHE", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY",
	"GOINSECURE", "GOFLAGS", "GOTOOLCHAIN"}

// cleanEnv returns the environment of a new user: an empty HOME under tmp
// with XDG directories of its own, no Terraform, HCP, localhcp or git settings
// (so no CLI configuration: TF_CLI_CONFIG_FILE is unset and
// $HOME/.terraformrc does not exist), and the real Go caches.
func cleanEnv(t *testing.T, tmp string) []string {
	t.Helper()
	for _, tool := range []string{"bash", "git", "go", "make", "terraform"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH; the docs' commands need it", tool)
		}
	}
	goEnv := realGoSettings(t)
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "HOME" || name == "GOPATH" || name == "GOBIN" || name == "GOENV" || strings.HasPrefix(name, "XDG_") ||
			strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "HCP_") || strings.HasPrefix(name, "LOCALHCP_") ||
			strings.HasPrefix(name, "GIT_") || goEnv[name] != "" {
			continue
		}
		env = append(env, kv)
	}
	for name, value := range goEnv {
		env = append(env, name+"="+value)
	}
	env = append(env, "HOME="+filepath.Join(tmp, "home"), "CHECKPOINT_DISABLE=1")
	for _, dir := range []string{"CONFIG", "DATA", "CACHE", "STATE"} {
		env = append(env, "XDG_"+dir+"_HOME="+filepath.Join(tmp, "xdg", strings.ToLower(dir)))
	}
	for _, kv := range env {
		if name, dir, _ := strings.Cut(kv, "="); name == "HOME" || strings.HasPrefix(name, "XDG_") {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
		}
	}
	return env
}

// realGoSettings returns the goSettings that are set in the real environment
// or its go env file, which the empty HOME would hide.
func realGoSettings(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"env", "-json"}, goSettings...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	var all map[string]string
	if err := json.Unmarshal(out, &all); err != nil {
		t.Fatalf("go env -json: %v", err)
	}
	set := make(map[string]string)
	for name, value := range all {
		if value != "" {
			set[name] = value
		}
	}
	return set
}

// runBash runs script with bash -euo pipefail in dir and returns its combined
// output, failing the test when it fails or outlives timeout.
func runBash(t *testing.T, dir string, env []string, script string, timeout time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running in %s:\n%s\nfailed: %v\n%s", dir, script, err, out)
	}
	return string(out)
}

// session is a user's shell after `make install`: the installed localhcp
// serves in the background and is on PATH, and every script starts with
// `eval "$(localhcp env)"`.
type session struct {
	home, gobin string
	env         []string
}

// startInstalled starts the localhcp `make install` put into HOME's
// GOPATH/bin (env has neither GOPATH nor GOBIN) on a free port of 127.0.0.1,
// with its data under tmp, and stops it when the test ends.
func startInstalled(t *testing.T, tmp string, env []string) *session {
	t.Helper()
	s := &session{home: filepath.Join(tmp, "home")}
	s.gobin = filepath.Join(s.home, "go", "bin")
	data := filepath.Join(tmp, "localhcp")
	startLocalhcp(t, filepath.Join(s.gobin, "localhcp"), data, env)
	s.env = append(env, "PATH="+s.gobin+string(os.PathListSeparator)+os.Getenv("PATH"), "LOCALHCP_DATA="+data)
	return s
}

// run runs script in dir, with the exports of `localhcp env` in effect.
func (s *session) run(t *testing.T, dir, script string) string {
	t.Helper()
	return runBash(t, dir, s.env, `eval "$(localhcp env)"`+"\n"+script, 5*time.Minute)
}

// startLocalhcp starts localhcp with its data in data, returns once it says
// it listens, and stops it when the test ends.
func startLocalhcp(t *testing.T, localhcp, data string, env []string) {
	t.Helper()
	cmd := exec.Command(localhcp, "serve", "--addr", "127.0.0.1:0", "--data", data)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the installed localhcp: %v", err)
	}
	var waitErr error
	exited, listening := make(chan struct{}), make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "localhcp listening on ") {
				close(listening)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	select {
	case <-listening:
	case <-exited:
		t.Fatalf("localhcp exited before it listened (%v): %s", waitErr, stderr.String())
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-exited // stderr is complete, and no longer written, once Wait returned
		t.Fatalf("localhcp did not listen within 30s: %s", stderr.String())
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
