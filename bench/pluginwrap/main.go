// Command pluginwrap stands in for the provider binary in the benchmark's
// plugin directory. Terraform starts it as the plugin; it starts the real
// provider (named by HCPPACKER_BENCH_PROVIDER) with the same arguments,
// environment and standard streams, so the go-plugin handshake line and
// everything after it pass straight between Terraform and the provider.
// When the provider exits, pluginwrap records the provider's own CPU time
// and peak RSS (from its rusage) in HCPPACKER_BENCH_RUSAGE_DIR and exits
// with the provider's status.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/bench/internal/procstat"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run starts the provider with args and the given standard streams (the
// process's own, as *os.File, so the provider inherits the descriptors
// themselves), waits for it and returns its exit code.
func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	provider, dir := getenv(procstat.EnvProvider), getenv(procstat.EnvDir)
	if provider == "" || dir == "" {
		fmt.Fprintf(stderr, "pluginwrap: set %s to the provider binary and %s to a directory for the records; "+
			"the benchmark driver (go run ./bench) does this\n", procstat.EnvProvider, procstat.EnvDir)
		return 1
	}

	cmd := exec.Command(provider, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr

	// Terraform interrupts the whole process group on Ctrl-C and then asks
	// the plugin to stop over gRPC; the provider handles that itself, so
	// the wrapper must merely outlive it. Other signals are passed on.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer func() {
		signal.Stop(signals)
		close(signals) // ends the forwarding goroutine
	}()

	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "pluginwrap: start %s: %v\n", provider, err)
		return 1
	}
	go func() {
		for s := range signals {
			if s != os.Interrupt {
				_ = cmd.Process.Signal(s)
			}
		}
	}()

	err := cmd.Wait()
	wall := time.Since(start)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fmt.Fprintf(stderr, "pluginwrap: wait for %s: %v\n", provider, err)
		return 1
	}

	state := cmd.ProcessState
	rec := procstat.Record{
		PID:      state.Pid(),
		User:     state.UserTime(),
		System:   state.SystemTime(),
		Wall:     wall,
		ExitCode: state.ExitCode(),
	}
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		rec.MaxRSSKiB = ru.Maxrss // kilobytes on Linux
	}
	if err := procstat.Write(dir, rec); err != nil {
		fmt.Fprintf(stderr, "pluginwrap: record the provider's usage in %s: %v\n", dir, err)
	}
	if code := state.ExitCode(); code >= 0 {
		return code
	}
	return 1 // killed by a signal
}
