// Command localhcp runs a local, faithful HCP Packer service and helps
// clients use it:
//
//	localhcp serve    listen on 127.0.0.1 with a self-signed certificate
//	localhcp env      print the HCP_* exports a client needs
//	localhcp publish  record a build as `packer build` would
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `localhcp: a local HCP Packer service for demos, tests and CI.

Usage:
  localhcp serve   [--addr 127.0.0.1:8443] [--data DIR] [--principals FILE] [--fault-rate 0.2] [--latency 50ms] [--retry-after 1s]
  localhcp env     [--data DIR] [--role contributor|viewer|admin]
  localhcp publish --bucket NAME [--fingerprint F] [--platform aws] [--region us-east-1] [--external-id ami-…]
                   [--component-type null.example] [--label k=v]… [--channel stable]… [--create-channels]
                   [--parent-version-id ID] [--parent-channel-id ID] [--bucket-description TEXT]

A typical session:
  localhcp serve &                 # keeps its state in the data directory
  eval "$(localhcp env)"           # HCP_* variables for hcp-sdk-go, Packer and Terraform
  localhcp publish --bucket golden --channel stable --create-channels

` + dataDirHelp + `
Run "localhcp <command> -h" for the flags of one command.
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
		return env(args[1:], getenv, stdout, stderr)
	case "publish":
		return publishCmd(ctx, args[1:], getenv, stdout, stderr)
	case "principals", "keys":
		return iamCmd(ctx, args, getenv, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "localhcp: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
