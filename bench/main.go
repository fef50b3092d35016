// Command bench measures the hcppacker provider and localhcp, all on
// loopback: Terraform plan and apply of generated configurations against
// an in-process localhcp next to the same-sized terraform_data floor, the
// provider's start-up time, and a load test of localhcp next to a trivial
// net/http ceiling. It prints Markdown tables and a pass/fail line per
// target. Run it from the repository root: `make bench`, or
// `go run ./bench -h` for the knobs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

type options struct {
	sizes       []int
	planRuns    int
	startupRuns int
	loadLevels  []int
	loadOps     map[string]bool
	loadLimits  loadLimits
	skip        map[string]bool
	// The scale section: versions in its large bucket, other buckets, and
	// the size N of the configuration it plans.
	scaleVersions, scaleBuckets, scaleSize int
	out                                    string
	keep                                   bool
	cpuProfile                             string
	provider                               string
	timeout                                time.Duration
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fs.String("sizes", "10,100,500", "comma-separated sizes N of the generated configurations")
	levels := fs.String("load-clients", "1,16,128", "comma-separated concurrency levels of the localhcp load test")
	ops := fs.String("load-ops", "get,cold,write", "comma-separated operations of the load test: get (repeated GetChannel), cold (GetChannel missing the answer cache), write (CreateBuild)")
	skip := fs.String("skip", "", "comma-separated parts to leave out: startup, terraform, scale, load")
	o := options{skip: map[string]bool{}}
	fs.IntVar(&o.planRuns, "plan-runs", 3, "plans per configuration after the apply; the median is reported")
	fs.IntVar(&o.startupRuns, "startup-runs", 20, "provider starts to time")
	fs.IntVar(&o.scaleVersions, "scale-versions", 10000, "versions in the large bucket of the scale section")
	fs.IntVar(&o.scaleBuckets, "scale-buckets", 1000, "other buckets of the scale section's large registry")
	fs.IntVar(&o.scaleSize, "scale-size", 100, "size N of the configuration the scale section plans")
	fs.DurationVar(&o.loadLimits.Duration, "load-duration", 2*time.Second, "longest measured part of one load run")
	fs.Int64Var(&o.loadLimits.Requests, "load-requests", 50000, "most measured requests of one load run")
	fs.IntVar(&o.loadLimits.Warmup, "load-warmup", 3, "unmeasured requests per client before each load run")
	fs.StringVar(&o.out, "out", "", "also write the report to this file")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (configurations, state, Terraform logs)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the load test (localhcp runs in this process) to this file")
	fs.StringVar(&o.provider, "provider", "", "measure this provider binary instead of building one (e.g. a build that writes a CPU profile)")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	if o.sizes, err = parseInts(*sizes); err != nil {
		return o, fmt.Errorf("-sizes: %w", err)
	}
	if o.loadLevels, err = parseInts(*levels); err != nil {
		return o, fmt.Errorf("-load-clients: %w", err)
	}
	o.loadOps = map[string]bool{}
	for _, op := range strings.Split(*ops, ",") {
		switch op = strings.TrimSpace(op); op {
		case "get", "cold", "write":
			o.loadOps[op] = true
		default:
			return o, fmt.Errorf("-load-ops: unknown operation %q (use get, cold or write)", op)
		}
	}
	for _, part := range strings.Split(*skip, ",") {
		switch part = strings.TrimSpace(part); part {
		case "":
		case "startup", "terraform", "scale", "load":
			o.skip[part] = true
		default:
			return o, fmt.Errorf("-skip: unknown part %q (use startup, terraform, scale or load)", part)
		}
	}
	if o.planRuns < 1 || o.startupRuns < 1 {
		return o, errors.New("-plan-runs and -startup-runs must be at least 1")
	}
	if o.scaleVersions < benchVersions || o.scaleBuckets < 0 || o.scaleSize < 1 {
		return o, fmt.Errorf("-scale-versions must be at least %d, -scale-buckets at least 0 and -scale-size at least 1", benchVersions)
	}
	return o, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, o options) (err error) {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run the benchmark from the repository root (make bench)")
	}
	tmp, err := os.MkdirTemp("", "hcppacker-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		defer fmt.Fprintf(os.Stderr, "bench: kept %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	var out io.Writer = os.Stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return err
		}
		defer f.Close()
		out = io.MultiWriter(os.Stdout, f)
	}

	// hcp-sdk-go caches tokens under $HOME keyed by client id only; the
	// driver's own SDK calls (publishing the fixtures) and Terraform's
	// provider processes get a private HOME.
	home := filepath.Join(tmp, "home")
	for _, d := range []string{home, filepath.Join(home, "tmp"), filepath.Join(tmp, "rusage"), filepath.Join(tmp, "logs"), filepath.Join(tmp, "sockets")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	if err := os.Setenv("HOME", home); err != nil {
		return err
	}

	fmt.Fprintln(os.Stderr, "bench: building the provider and the plugin wrapper")
	bins, err := buildBinaries(ctx, tmp, o.provider)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "# hcppacker benchmarks\n\n%s\n", machineDescription(ctx))

	var targets []target
	if !o.skip["startup"] {
		fmt.Fprintln(os.Stderr, "bench: timing provider start-up")
		ds, err := measureStartup(ctx, bins.provider, home, filepath.Join(tmp, "sockets"), o.startupRuns)
		if err != nil {
			return fmt.Errorf("provider start-up: %w", err)
		}
		fmt.Fprintf(out, "## Provider start-up (exec → go-plugin handshake line)\n\n%s\n", startupTable(ds))
		targets = append(targets, startupTarget(ds))
	}

	if !o.skip["terraform"] {
		ts, err := terraformSection(ctx, o, tmp, home, bins, out)
		targets = append(targets, ts...)
		if err != nil {
			return err
		}
	}

	if !o.skip["scale"] {
		ts, err := scaleSection(ctx, o, tmp, home, bins, out)
		targets = append(targets, ts...)
		if err != nil {
			return err
		}
	}

	if !o.skip["load"] {
		ts, err := loadSection(ctx, o, tmp, out)
		targets = append(targets, ts...)
		if err != nil {
			return err
		}
	}

	fmt.Fprintf(out, "## Targets\n\n%s", targetsTable(targets))
	return nil
}

// binaries are the provider and the wrapper laid out as Terraform's plugin.
type binaries struct {
	provider  string
	pluginDir string
}

func buildBinaries(ctx context.Context, tmp, prebuilt string) (binaries, error) {
	b := binaries{provider: filepath.Join(tmp, "bin", "terraform-provider-hcppacker"), pluginDir: filepath.Join(tmp, "plugins")}
	wrapper := filepath.Join(b.pluginDir, providerRegistryDir, providerVersion, runtime.GOOS+"_"+runtime.GOARCH,
		"terraform-provider-hcppacker_v"+providerVersion)
	builds := [][]string{{"build", "-trimpath", "-o", wrapper, "./bench/pluginwrap"}}
	if prebuilt == "" {
		builds = append(builds, []string{"build", "-trimpath", "-ldflags", "-X main.version=" + providerVersion, "-o", b.provider, "."})
	} else {
		abs, err := filepath.Abs(prebuilt)
		if err != nil {
			return b, err
		}
		b.provider = abs
	}
	for _, build := range builds {
		cmd := exec.CommandContext(ctx, "go", build...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return b, fmt.Errorf("go %s: %w", strings.Join(build, " "), err)
		}
	}
	return b, nil
}

func terraformSection(ctx context.Context, o options, tmp, home string, bins binaries, out io.Writer) ([]target, error) {
	srv, err := localhcp.Start(localhcp.Options{DataDir: filepath.Join(tmp, "localhcp")})
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	fmt.Fprintln(os.Stderr, "bench: publishing the fixture registry")
	buckets, err := seedRegistry(ctx, srv.Env("contributor"))
	if err != nil {
		return nil, err
	}
	tf, err := terraformFor(tmp, home, bins, srv)
	if err != nil {
		return nil, err
	}

	fmt.Fprintf(out, "## Terraform against localhcp, next to the terraform_data floor\n\n")
	var targets []target
	for i, n := range o.sizes {
		fmt.Fprintf(os.Stderr, "bench: N = %d\n", n)
		r, err := benchSize(ctx, tf, filepath.Join(tmp, "work"), bins.pluginDir, newWorkload(n, buckets), o.planRuns)
		if err != nil {
			return targets, fmt.Errorf("size %d: %w", n, err)
		}
		fmt.Fprintf(out, "### N = %d\n\n%s\n\n%s\n", n, sizeHeading(r), sizeTable(r))
		fmt.Fprintf(out, "Requests of the apply: %s.  \nRequests of the median plan: %s.  \n%s\n\n",
			requestBreakdown(r.Apply.Requests), requestBreakdown(r.Plans[medianIndex(walls(r.Plans))].Requests), planCPUSplit(r))
		targets = append(targets, sizeTargets(r, i == len(o.sizes)-1)...)
	}
	return targets, nil
}

// terraformFor is a Terraform runner whose provider talks to srv as its
// contributor.
func terraformFor(tmp, home string, bins binaries, srv *localhcp.Server) (*terraformRunner, error) {
	terraformBin, err := exec.LookPath("terraform")
	if err != nil {
		return nil, errors.New("the Terraform CLI is not on PATH; install it or run with -skip terraform,scale")
	}
	cliConfig := filepath.Join(tmp, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		return nil, err
	}
	return newTerraformRunner(terraformBin, home, cliConfig, filepath.Join(tmp, "rusage"), filepath.Join(tmp, "logs"),
		bins.provider, srv.Env("contributor"), srv.RequestCounts), nil
}

func loadSection(ctx context.Context, o options, tmp string, out io.Writer) ([]target, error) {
	fmt.Fprintln(os.Stderr, "bench: load-testing localhcp")
	srv, err := localhcp.Start(localhcp.Options{DataDir: filepath.Join(tmp, "localhcp-load")})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	rows, err := runLoadBench(ctx, srv, o.loadOps, o.loadLevels, o.loadLimits)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "## localhcp under load, next to a trivial net/http handler (the ceiling)\n\n"+
		"Each run: %s or %d requests, whichever comes first, after %d warm-up requests per client; one keep-alive "+
		"HTTPS connection per client; the ceiling answers with the same bytes as localhcp.\n\n%s\n",
		fmtDuration(o.loadLimits.Duration), o.loadLimits.Requests, o.loadLimits.Warmup, loadTable(rows))
	return loadTargets(rows), nil
}

// machineDescription names what the figures were measured on.
func machineDescription(ctx context.Context) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	tfVersion := "not found"
	cmd := exec.CommandContext(ctx, "terraform", "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	if b, err := cmd.Output(); err == nil {
		tfVersion = strings.SplitN(strings.TrimSpace(string(b)), "\n", 2)[0]
	}
	return fmt.Sprintf("Machine: %s/%s, %d logical CPUs (%s); %s; %s; %s.\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, runtime.Version(), tfVersion, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}
