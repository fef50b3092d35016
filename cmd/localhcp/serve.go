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

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("localhcp serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8443", "listen address (loopback only is advised: the TLS certificate covers 127.0.0.1 and localhost)")
	data := fs.String("data", "", "data directory (see below)")
	principals := fs.String("principals", "", "JSON file with the principals: [{\"name\",\"role\",\"client_id\",\"client_secret\",\"id\"}]; ids and credentials left out are generated")
	faultRate := fs.Float64("fault-rate", 0, "share (0..1) of API answers replaced by 429 (with Retry-After) or 503")
	latency := fs.Duration("latency", 0, "latency added before every API answer, e.g. 50ms")
	retryAfter := fs.Duration("retry-after", time.Second, "Retry-After of injected 429 answers, rounded down to whole seconds (0 or anything below 1s announces 0)")
	quiet := fs.Bool("quiet", false, "do not log each request")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: localhcp serve [flags]\n\nServes the HCP auth, resource-manager and Packer APIs over HTTPS.\n\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\n"+dataDirHelp)
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "localhcp serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	faults, err := faultsFromFlags(*faultRate, *latency, *retryAfter)
	if err != nil {
		fmt.Fprintln(stderr, "localhcp serve:", err)
		return 2
	}
	dir, err := dataDir(*data, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "localhcp serve:", err)
		return 2
	}
	opts := localhcp.Options{
		DataDir: dir, Addr: *addr,
		Faults: faults,
		Logger: slog.New(slog.NewTextHandler(stderr, nil)),
	}
	if *quiet {
		opts.Logger = nil
	}
	if *principals != "" {
		if opts.Principals, err = readPrincipals(*principals); err != nil {
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
