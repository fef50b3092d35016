package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

var serveCommand = command{
	name:     "serve",
	synopsis: "[flags]",
	about: `Serves the HCP auth, resource-manager and Packer APIs over HTTPS until SIGINT or
SIGTERM. One server per data directory: a second one is refused with the PID and
address of the first.
`,
	footer: dataDirHelp,
}

type serveFlags struct {
	addr, data, principals string
	workloadIdentity       string
	faultRate              float64
	latency, retryAfter    time.Duration
	quiet                  bool
}

func newServeFlags(fs *flag.FlagSet) *serveFlags {
	f := &serveFlags{}
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8443", "listen `ADDRESS`; :0 picks a free port (loopback only is advised: the TLS certificate covers 127.0.0.1 and localhost)")
	fs.StringVar(&f.data, "data", "", "data directory `DIR` (see below)")
	fs.StringVar(&f.principals, "principals", "", "JSON `FILE` with the principals: [{\"name\",\"role\",\"client_id\",\"client_secret\",\"id\"}];\nids and credentials left out are generated")
	fs.StringVar(&f.workloadIdentity, "workload-identity", "", "JSON `FILE` with the OIDC issuers whose tokens localhcp trusts, with their public keys,\n"+
		"and workload identity providers to create or update at start (their project principals must exist):\n"+
		"{\"issuers\": [{\"issuer\", \"jwks_file\" or \"public_key_file\"}], \"providers\": [{\"service_principal\", \"name\",\n"+
		"\"issuer\", \"allowed_audiences\", \"conditional_access\", \"description\"}]}; key paths are relative to FILE.\n"+
		"localhcp never fetches an issuer's keys; the file's issuers replace the trusted ones, but for the\n"+
		"built-in "+localhcp.BuiltinIssuer+", which is always trusted and cannot be listed (see localhcp oidc-token)")
	fs.Float64Var(&f.faultRate, "fault-rate", 0, "`SHARE` (0..1) of API answers replaced by 429 (with Retry-After) or 503")
	fs.DurationVar(&f.latency, "latency", 0, "`DURATION` added before every API answer, e.g. 50ms")
	fs.DurationVar(&f.retryAfter, "retry-after", time.Second, "`DURATION` the injected 429 answers announce in Retry-After, rounded down to whole\nseconds (0 or anything below 1s announces 0)")
	fs.BoolVar(&f.quiet, "quiet", false, "do not log each request")
	return f
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := serveCommand.newFlagSet(stderr)
	f := newServeFlags(fs)
	if code, done := serveCommand.parse(fs, args, stdout, stderr); done {
		return code
	}
	faults, err := faultsFromFlags(f.faultRate, f.latency, f.retryAfter)
	if err != nil {
		return serveCommand.usageError(stderr, "%v", err)
	}
	dir, err := dataDir(f.data, getenv)
	if err != nil {
		return serveCommand.usageError(stderr, "%v", err)
	}
	opts := localhcp.Options{
		DataDir: dir, Addr: f.addr,
		Faults: faults,
		Logger: slog.New(slog.NewTextHandler(stderr, nil)),
	}
	if f.quiet {
		opts.Logger = nil
	}
	if f.principals != "" {
		if opts.Principals, err = readPrincipals(f.principals); err != nil {
			fmt.Fprintln(stderr, "localhcp serve:", err)
			return 1
		}
	}
	if f.workloadIdentity != "" {
		if opts.WorkloadIdentity, err = localhcp.ReadWorkloadIdentity(f.workloadIdentity); err != nil {
			fmt.Fprintln(stderr, "localhcp serve:", err)
			return 1
		}
	}
	srv, err := localhcp.Start(opts)
	if err != nil {
		fmt.Fprintln(stderr, "localhcp serve:", err)
		return 1
	}
	fmt.Fprintf(stdout, "localhcp listening on %s (data in %s)\n", srv.URL(), dir)
	fmt.Fprintf(stdout, "organization %s, project %s\n", srv.OrganizationID(), srv.ProjectID())
	for _, p := range srv.Principals() {
		// Client ids only: secrets are printed on request by `localhcp env`.
		fmt.Fprintf(stdout, "principal %q (%s): client id %s\n", p.Name, p.Role, p.ClientID)
	}
	// The one-time link is a credential like a secret, but spent on first
	// use and short-lived, so the operator can open the panel straight away.
	if link, err := srv.PanelLoginLink("contributor"); err == nil {
		fmt.Fprintf(stdout, "web panel: %s (one-time login link for the first contributor, valid for an hour)\n", link)
	}
	fmt.Fprintf(stdout, "configure a client with: eval \"$(localhcp env --data %s)\"\n", shellQuote(dir))
	<-ctx.Done()
	fmt.Fprintln(stdout, "localhcp stopping")
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "localhcp serve: stop:", err)
		return 1
	}
	return 0
}

// faultsFromFlags checks the fault-injection flags and turns them into
// localhcp's settings.
func faultsFromFlags(rate float64, latency, retryAfter time.Duration) (localhcp.Faults, error) {
	switch {
	case rate < 0 || rate > 1:
		return localhcp.Faults{}, errors.New("--fault-rate must be between 0 and 1")
	case latency < 0:
		return localhcp.Faults{}, errors.New("--latency must not be negative")
	case retryAfter < 0:
		return localhcp.Faults{}, errors.New("--retry-after must not be negative")
	}
	if retryAfter == 0 {
		// Faults reads a zero RetryAfter as its one-second default; any
		// sub-second value announces the "0" asked for.
		retryAfter = time.Millisecond
	}
	return localhcp.Faults{Rate: rate, Latency: latency, RetryAfter: retryAfter}, nil
}

// principalFile is one entry of the --principals file.
type principalFile struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Role         string `json:"role"`
}

func readPrincipals(path string) ([]localhcp.Principal, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read principals: %w", err)
	}
	var entries []principalFile
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("principals file %s is not a JSON array of {name, role, client_id, client_secret, id}: %w", path, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("principals file %s lists no principal", path)
	}
	out := make([]localhcp.Principal, len(entries))
	for i, e := range entries {
		out[i] = localhcp.Principal(e)
	}
	return out, nil
}
