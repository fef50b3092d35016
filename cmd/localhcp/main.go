// Command localhcp runs a local, faithful HCP Packer service and helps
// clients use it:
//
//	localhcp serve    listen on 127.0.0.1 with a self-signed certificate
//	localhcp env      print the HCP_* exports a client needs
//	localhcp publish  record a build as `packer build` would
//	localhcp principals, localhcp keys, localhcp workload-identity-providers
//	                  manage service principals, their roles, keys and
//	                  workload identity providers
//	localhcp oidc-token
//	                  mint a token of localhcp's built-in OIDC issuer
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it the module version Go recorded is shown.
var version string

const usage = `localhcp: a local HCP Packer service for demos, tests and CI.

Usage:
  localhcp serve   [--addr 127.0.0.1:8443] [--data DIR] [--principals FILE] [--workload-identity FILE]
                   [--fault-rate 0.2] [--latency 50ms] [--retry-after 1s]
  localhcp env     [--data DIR] [--role contributor|viewer|admin] [--wait 30s]
  localhcp publish --bucket NAME [--fingerprint F] [--platform aws] [--region us-east-1] [--external-id ami-…]
                   [--component-type null.example] [--label k=v]… [--channel stable]… [--create-channels]
                   [--parent-version-id ID] [--parent-channel-id ID] [--bucket-description TEXT]
  localhcp principals add|list|delete [flags]   (as an admin: manage service principals and their roles)
  localhcp keys add|list|delete [flags]         (as an admin: manage a principal's keys)
  localhcp workload-identity-providers add|list|delete [flags]
                                                (alias wips; as an admin: a principal's OIDC providers)
  localhcp oidc-token --audience AUD [--subject SUB] [--claim KEY=VALUE]… [--expires-in 10m] [--data DIR]
                                                (a token of localhcp's built-in OIDC issuer, for workload identity)
  localhcp help [COMMAND]
  localhcp --version

A typical session:
  localhcp serve --addr 127.0.0.1:0 &       # keeps its state in the data directory
  exports="$(localhcp env --wait 30s)"      # the HCP_* variables, once the server answers
  eval "$exports"                           # for hcp-sdk-go, Packer and Terraform
  localhcp publish --bucket golden --channel stable --create-channels

` + dataDirHelp + `
Run "localhcp help COMMAND" or "localhcp COMMAND --help" for the flags of one command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "env":
		return env(ctx, args[1:], getenv, stdout, stderr)
	case "publish":
		return publishCmd(ctx, args[1:], getenv, stdout, stderr)
	case "principals", "keys", "workload-identity-providers", "wips":
		return iamCmd(ctx, args, getenv, stdout, stderr)
	case "oidc-token":
		return oidcToken(args[1:], getenv, stdout, stderr)
	case "help":
		return help(args[1:], stdout, stderr)
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, "localhcp", buildVersion())
		return 0
	default:
		fmt.Fprintf(stderr, "localhcp: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

// help prints the overview, or one command's help as its --help does.
func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if len(args) > 1 {
		fmt.Fprintf(stderr, "localhcp help: one command at a time, got %q\n", args)
		return 2
	}
	commands := map[string]struct {
		cmd       command
		withFlags func(*flag.FlagSet)
	}{
		"serve":      {serveCommand, func(fs *flag.FlagSet) { newServeFlags(fs) }},
		"env":        {envCommand, func(fs *flag.FlagSet) { newEnvFlags(fs) }},
		"publish":    {publishCommand, func(fs *flag.FlagSet) { newPublishFlags(fs) }},
		"oidc-token": {oidcTokenCommand, func(fs *flag.FlagSet) { newOIDCTokenFlags(fs) }},
	}
	if slices.Contains([]string{"principals", "keys", "workload-identity-providers", "wips"}, args[0]) {
		fmt.Fprint(stdout, iamUsage)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "localhcp help: unknown command %q: use serve, env, publish, principals, keys, workload-identity-providers or oidc-token\n", args[0])
		return 2
	}
	fs := c.cmd.newFlagSet(stderr)
	c.withFlags(fs)
	c.cmd.writeHelp(stdout, fs)
	return 0
}

// buildVersion is the version set at build time, else the module version
// Go recorded (a tag for `go install …@v1.2.3`, a pseudo-version from the
// checkout's commit for a build in a clone).
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(unknown)"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && info.Main.Version == "(devel)" {
			return info.Main.Version + " " + s.Value
		}
	}
	return info.Main.Version
}
