package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

var envCommand = command{
	name:     "env",
	synopsis: "[--data DIR] [--role contributor|viewer|admin] [--wait 30s] [--panel-link]",
	about: `Prints shell exports for the localhcp running with the data directory, including
the client secret, once that server answers over TLS with the certificate kept
in the directory. Without --wait it checks once and fails when no server answers.
  exports="$(localhcp env --wait 30s)" && eval "$exports"
(Assign first: a failure inside eval "$(...)" does not stop a script.)
With --panel-link it prints instead a one-time link that signs a browser into
the web panel as that principal (usable once, for an hour).
`,
	footer: dataDirHelp,
}

type envFlags struct {
	data, role string
	wait       time.Duration
	panelLink  bool
}

func newEnvFlags(fs *flag.FlagSet) *envFlags {
	f := &envFlags{}
	fs.StringVar(&f.data, "data", "", "the running server's data directory `DIR` (see below)")
	fs.StringVar(&f.role, "role", localhcp.Roles[0], "act as the first principal with this `ROLE`: "+strings.Join(localhcp.Roles, ", "))
	fs.DurationVar(&f.wait, "wait", 0, "keep checking for up to `DURATION` (e.g. 30s) until the server answers; exit 1 when it has not by then")
	fs.BoolVar(&f.panelLink, "panel-link", false, "print a one-time web panel login link instead of the exports")
	return f
}

func env(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := envCommand.newFlagSet(stderr)
	f := newEnvFlags(fs)
	if code, done := envCommand.parse(fs, args, stdout, stderr); done {
		return code
	}
	if !slices.Contains(localhcp.Roles, f.role) {
		return envCommand.usageError(stderr, "unknown --role %q: use %s", f.role, strings.Join(localhcp.Roles, ", "))
	}
	if f.wait < 0 {
		return envCommand.usageError(stderr, "--wait must not be negative")
	}
	dir, err := dataDir(f.data, getenv)
	if err != nil {
		return envCommand.usageError(stderr, "%v", err)
	}
	if f.panelLink {
		link, err := localhcp.LoadPanelLoginLink(ctx, dir, f.role, f.wait)
		if err != nil {
			fmt.Fprintln(stderr, "localhcp env:", err)
			return 1
		}
		fmt.Fprintln(stdout, link)
		return 0
	}
	vars, err := localhcp.LoadEnv(ctx, dir, f.role, f.wait)
	if err != nil {
		fmt.Fprintln(stderr, "localhcp env:", err)
		return 1
	}
	fmt.Fprintln(stdout, "# localhcp at "+strings.TrimPrefix(vars[0], "HCP_AUTH_URL=")+" as the first "+f.role+" principal.")
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
