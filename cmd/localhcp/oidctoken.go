package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/workload"
)

var oidcTokenCommand = command{
	name:     "oidc-token",
	synopsis: "--audience AUD [--subject SUB] [--claim KEY=VALUE]… [--expires-in 10m] [--data DIR]",
	about: `Prints a signed JWT of localhcp's built-in OIDC issuer, ` + localhcp.BuiltinIssuer + `,
for testing workload identity offline: localhcp always trusts this issuer, with the
key it generated in the data directory on its first start (no server need be
running). Point a workload identity provider at the issuer, then:
  localhcp oidc-token --audience terraform --subject ci > token
and give the provider's workload_identity block token_file = "token".
The token carries iss, aud, sub, iat and nbf (now) and exp (now + --expires-in).
`,
	footer: dataDirHelp,
}

type oidcTokenFlags struct {
	audience, subject, data string
	claims                  repeated
	expiresIn               time.Duration
}

func newOIDCTokenFlags(fs *flag.FlagSet) *oidcTokenFlags {
	f := &oidcTokenFlags{}
	fs.StringVar(&f.audience, "audience", "", "the token's audience `AUD` (aud), one the provider allows (required)")
	fs.StringVar(&f.subject, "subject", workload.DefaultSubject, "the token's subject `SUB` (sub)")
	fs.Var(&f.claims, "claim", "a further string claim `KEY=VALUE`; repeat for more (not iss, aud, sub, iat, nbf or exp)")
	fs.DurationVar(&f.expiresIn, "expires-in", 10*time.Minute, "the token's lifetime `DURATION`, more than 0 and at most 24h")
	fs.StringVar(&f.data, "data", "", "the data directory `DIR` of a localhcp that has started once (see below)")
	return f
}

func oidcToken(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := oidcTokenCommand.newFlagSet(stderr)
	f := newOIDCTokenFlags(fs)
	if code, done := oidcTokenCommand.parse(fs, args, stdout, stderr); done {
		return code
	}
	if f.audience == "" {
		return oidcTokenCommand.usageError(stderr, "--audience is required: give one of the provider's allowed audiences")
	}
	req := workload.TokenRequest{Audience: f.audience, Subject: f.subject, TTL: f.expiresIn, Claims: map[string]string{}}
	for _, c := range f.claims {
		k, v, ok := strings.Cut(c, "=")
		if !ok || k == "" {
			return oidcTokenCommand.usageError(stderr, "--claim %q must be KEY=VALUE", c)
		}
		if _, dup := req.Claims[k]; dup {
			return oidcTokenCommand.usageError(stderr, "--claim %q is given twice: give each claim once", k)
		}
		req.Claims[k] = v
	}
	if err := req.Check(); err != nil {
		return oidcTokenCommand.usageError(stderr, "%v", err)
	}
	dir, err := dataDir(f.data, getenv)
	if err != nil {
		return oidcTokenCommand.usageError(stderr, "%v", err)
	}
	token, err := localhcp.MintOIDCToken(dir, req)
	if err != nil {
		fmt.Fprintln(stderr, "localhcp oidc-token:", err)
		return 1
	}
	fmt.Fprintln(stdout, token)
	return 0
}
