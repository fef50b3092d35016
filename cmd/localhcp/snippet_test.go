//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/doccheck"
)

// The documentation's shell blocks run here as bash scripts, with the
// localhcp this tree builds first on PATH, so the docs cannot drift from
// what works.

// snippetRun is the outcome of one script.
type snippetRun struct {
	exitCode       int
	stdout, stderr string
	elapsed        time.Duration
}

// runScript runs script with bash in workDir. The environment is the
// test's, without HCP_* and LOCALHCP_* variables, with localhcp from this
// tree first on PATH and a private TMPDIR. Every process the script leaves
// running (a background `localhcp serve`) is in the script's own process
// group and is stopped when the script ends.
func runScript(t *testing.T, workDir, script string) snippetRun {
	t.Helper()
	env := []string{"PATH=" + localhcpBinary(t) + string(os.PathListSeparator) + os.Getenv("PATH"), "TMPDIR=" + t.TempDir()}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HCP_") && !strings.HasPrefix(kv, "LOCALHCP_") && !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "TMPDIR=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir, cmd.Env = workDir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGTERM) })
	err := cmd.Wait()
	r := snippetRun{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.exitCode = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("run the script: %v", err)
	}
	return r
}

func TestReadmeCISnippet(t *testing.T) {
	snippet := doccheck.Block(t, "README.md", "TestReadmeCISnippet")
	t.Run("fails within its bound when no localhcp starts", func(t *testing.T) {
		t.Parallel()
		// The shell cannot open localhcp.log, so it never starts serve: the
		// job must fail at the snippet's bound, not wait for ever.
		work := t.TempDir()
		if err := os.Mkdir(filepath.Join(work, "localhcp.log"), 0o700); err != nil {
			t.Fatal(err)
		}
		// The snippet's bound is 30s; only that number is shortened, so the
		// rest runs as written and the test waits a second, not thirty.
		if strings.Count(snippet, "--wait 30s") != 1 {
			t.Fatalf("the README's CI snippet should wait with --wait 30s exactly once:\n%s", snippet)
		}
		r := runScript(t, work, strings.Replace(snippet, "--wait 30s", "--wait 1s", 1))
		if r.exitCode == 0 || !strings.Contains(r.stderr, "no localhcp answered within 1s") {
			t.Fatalf("exit %d after %s, stderr:\n%s", r.exitCode, r.elapsed, r.stderr)
		}
		if r.elapsed > 10*time.Second {
			t.Fatalf("the snippet took %s to fail; its bound was 1s", r.elapsed)
		}
	})
	t.Run("serves, waits and publishes", func(t *testing.T) {
		t.Parallel()
		r := runScript(t, t.TempDir(), snippet)
		if r.exitCode != 0 {
			t.Fatalf("exit %d, stderr:\n%s", r.exitCode, r.stderr)
		}
		for _, want := range []string{"fingerprint=base-1\n", "version=v1\n"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
	})
}

// offlineGuide is the source of the guide "Testing your modules offline
// with localhcp"; docs/ is generated from it.
const offlineGuide = "templates/guides/testing-offline-with-localhcp.md.tmpl"

func TestOfflineGuideStart(t *testing.T) {
	t.Parallel()
	start := doccheck.Block(t, offlineGuide, "TestOfflineGuideStart")
	// What a reader does next: use the exported variables.
	r := runScript(t, t.TempDir(), start+`printf 'api=%s\n' "$HCP_API_ADDRESS"`+"\n")
	if r.exitCode != 0 || !strings.Contains(r.stdout, "api=127.0.0.1:") {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.exitCode, r.stdout, r.stderr)
	}
}

func TestOfflineGuidePublish(t *testing.T) {
	t.Parallel()
	script := doccheck.Block(t, offlineGuide, "TestOfflineGuideStart") + doccheck.Block(t, offlineGuide, "TestOfflineGuidePublish")
	r := runScript(t, t.TempDir(), script)
	if r.exitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.exitCode, r.stderr)
	}
	for _, want := range []string{"fingerprint=base-1\n", "version=v1\n", "version_id="} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// The guide's workload identity commands, run as written after its start
// block, give a token file that hcp-sdk-go's workload identity provider
// (what the provider's workload_identity block runs) exchanges for the
// principal's access token, for the provider the guide's HCL names.
func TestOfflineGuideWorkloadIdentity(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	script := doccheck.Block(t, offlineGuide, "TestOfflineGuideStart") + doccheck.Block(t, offlineGuide, "TestOfflineGuideWorkloadIdentity") +
		`printf 'api=%s\norg=%s\nproject=%s\n' "$HCP_API_ADDRESS" "$HCP_ORGANIZATION_ID" "$HCP_PROJECT_ID"` + "\n"
	r := runScript(t, work, script)
	if r.exitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.exitCode, r.stderr)
	}
	printed := map[string]string{}
	for line := range strings.Lines(r.stdout) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			printed[k] = v
		}
	}
	rn := printed["resource_name"]
	if want := "iam/project/" + printed["project"] + "/service-principal/ci-runner/workload-identity-provider/local"; rn != want {
		t.Fatalf("the provider's resource name is %q, want %q; stdout:\n%s", rn, want, r.stdout)
	}
	hcl := guideBlockContaining(t, "workload_identity {")
	if want := `resource_name = "iam/project/<HCP_PROJECT_ID>/service-principal/ci-runner/workload-identity-provider/local"`; !strings.Contains(hcl, want) || !strings.Contains(hcl, `token_file    = "token"`) {
		t.Fatalf("the guide's provider block does not name the provider the commands create (%s) and their token file:\n%s", want, hcl)
	}

	tok, err := exchangeTokenFile(t, printed["api"], rn, filepath.Join(work, "token"))
	if err != nil {
		t.Fatalf("exchange of the guide's token: %v", err)
	}
	if err := listBucketsWith(t, printed["api"], printed["org"], printed["project"], tok); err != nil {
		t.Fatalf("read as ci-runner: %v", err)
	}
}

// guideBlockContaining is the offline guide's one code block that contains
// text.
func guideBlockContaining(t *testing.T, text string) string {
	t.Helper()
	blocks, err := doccheck.ReadBlocks(filepath.Join(doccheck.RepoRoot(t), offlineGuide))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, b := range blocks {
		if strings.Contains(b.Body, text) {
			found = append(found, b.Body)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d code blocks containing %q, want 1", offlineGuide, len(found), text)
	}
	return found[0]
}
