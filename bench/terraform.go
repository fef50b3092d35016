package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/bench/internal/procstat"
)

// terraformRunner runs the Terraform CLI in an environment of its own: a
// private HOME and CLI config, no checkpoint calls, no plugin cache, no
// variable from the caller's shell except PATH, and the HCP_* variables
// that point the provider at localhcp.
type terraformRunner struct {
	bin       string
	env       []string
	rusageDir string
	logDir    string
	// counts reads localhcp's request counters.
	counts func() map[string]int64
	seq    int
}

// commandResult is what one Terraform command cost.
type commandResult struct {
	Wall     time.Duration
	ExitCode int
	// TotalCPU is the CPU time of the terraform process and every process
	// it waited for: the provider processes and their wrappers included.
	TotalCPU time.Duration
	Provider procstat.Summary
	// Requests are the HTTP requests localhcp received during the
	// command, by endpoint.
	Requests map[string]int64
}

// terraformCPU is the CPU time of Terraform itself: TotalCPU without the
// provider processes (the plugin wrappers, a few milliseconds, stay in).
func (r commandResult) terraformCPU() time.Duration { return r.TotalCPU - r.Provider.CPU }

// TotalRequests sums Requests.
func (r commandResult) TotalRequests() int64 {
	var n int64
	for _, c := range r.Requests {
		n += c
	}
	return n
}

func newTerraformRunner(bin, home, cliConfig, rusageDir, logDir, providerBin string, hcpEnv []string, counts func() map[string]int64) *terraformRunner {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + filepath.Join(home, "tmp"),
		"TF_CLI_CONFIG_FILE=" + cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		procstat.EnvProvider + "=" + providerBin,
		procstat.EnvDir + "=" + rusageDir,
	}
	env = append(env, hcpEnv...)
	return &terraformRunner{bin: bin, env: env, rusageDir: rusageDir, logDir: logDir, counts: counts}
}

// run runs terraform with args in dir and measures it. okCodes are the exit
// codes that count as success (plan -detailed-exitcode answers 2 when the
// plan is not empty, which callers check themselves).
func (t *terraformRunner) run(ctx context.Context, dir string, okCodes []int, args ...string) (commandResult, error) {
	t.seq++
	logPath := filepath.Join(t.logDir, fmt.Sprintf("%03d-%s-%s.log", t.seq, filepath.Base(dir), args[0]))
	logFile, err := os.Create(logPath)
	if err != nil {
		return commandResult{}, err
	}
	defer logFile.Close()

	if _, err := procstat.ReadAll(t.rusageDir); err != nil { // drop leftovers
		return commandResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.bin, args...)
	cmd.Dir, cmd.Env = dir, t.env
	cmd.Stdout, cmd.Stderr = logFile, logFile

	before := t.counts()
	start := time.Now()
	err = cmd.Run()
	res := commandResult{Wall: time.Since(start), Requests: diffCounts(before, t.counts())}

	if cmd.ProcessState != nil {
		res.TotalCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	default:
		return res, fmt.Errorf("run terraform %s in %s: %w", strings.Join(args, " "), dir, err)
	}
	records, err := procstat.ReadAll(t.rusageDir)
	if err != nil {
		return res, fmt.Errorf("read the provider's usage records: %w", err)
	}
	res.Provider = procstat.Summarize(records)
	for _, ok := range okCodes {
		if res.ExitCode == ok {
			return res, nil
		}
	}
	return res, fmt.Errorf("terraform %s in %s exited with %d; its output is in %s:\n%s",
		strings.Join(args, " "), dir, res.ExitCode, logPath, tail(logPath, 20))
}

// diffCounts is after minus before, without zero entries.
func diffCounts(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, n := range after {
		if d := n - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
