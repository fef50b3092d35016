package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func env(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("localhcp env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory of the running server (see below)")
	role := fs.String("role", "contributor", "act as the first principal with this role: contributor, viewer or admin")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: localhcp env [flags]\n\nPrints shell exports for a running localhcp, including the client secret:\n  eval \"$(localhcp env)\"\n\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\n"+dataDirHelp)
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "localhcp env: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	dir, err := dataDir(*data, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "localhcp env:", err)
		return 2
	}
	vars, err := localhcp.LoadEnv(dir, *role)
	if err != nil {
		fmt.Fprintln(stderr, "localhcp env:", err)
		return 1
	}
	fmt.Fprintln(stdout, "# localhcp at "+strings.TrimPrefix(vars[0], "HCP_AUTH_URL=")+" as the first "+*role+" principal.")
	fmt.Fprintln(stdout, "# hcp-sdk-go caches tokens under $HOME/.config/hcp; localhcp client ids never match real HCP ones.")
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(stdout, "export %s=%s\n", k, shellQuote(v))
	}
	return 0
}

// shellQuote quotes s for POSIX shells: single quotes, with embedded single
// quotes closed, escaped and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
