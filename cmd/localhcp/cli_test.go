package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestEveryHelpPrintsToStdoutAndExitsZero(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"}, {"--version"},
		{"help", "serve"}, {"help", "env"}, {"help", "publish"},
		{"serve", "--help"}, {"serve", "-h"}, {"env", "--help"}, {"env", "-h"}, {"publish", "--help"}, {"publish", "-h"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, noEnv, &out, &errOut); code != 0 || out.Len() == 0 || errOut.Len() != 0 {
			t.Errorf("localhcp %s: exit %d, stdout %d bytes, stderr %q; want 0, the help on stdout, nothing on stderr",
				strings.Join(args, " "), code, out.Len(), errOut.String())
		}
	}
}

// Help spells flags as the README and the guides do: --name VALUE.
func TestHelpSpellsFlagsAsTheDocsDo(t *testing.T) {
	t.Parallel()
	singleDash := regexp.MustCompile(`(?m)^\s+-[a-z]`)
	for cmd, want := range map[string][]string{
		"serve":   {"--addr ADDRESS", "--data DIR", "--fault-rate SHARE", "--retry-after DURATION", "--quiet\n"},
		"env":     {"--data DIR", "--role ROLE", "--wait DURATION", "contributor, viewer, admin"},
		"publish": {"--bucket NAME", "--label KEY=VALUE", "--channel NAME", "--create-channels\n"},
	} {
		var out bytes.Buffer
		run(context.Background(), []string{"help", cmd}, noEnv, &out, &bytes.Buffer{})
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("localhcp help %s does not show %q:\n%s", cmd, w, out.String())
			}
		}
		if m := singleDash.FindString(out.String()); m != "" {
			t.Errorf("localhcp help %s spells a flag with one dash (%q):\n%s", cmd, m, out.String())
		}
	}
}

func TestVersionNamesTheBuild(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	run(context.Background(), []string{"--version"}, noEnv, &out, &bytes.Buffer{})
	if !strings.HasPrefix(out.String(), "localhcp ") || strings.TrimSpace(out.String()) == "localhcp" {
		t.Fatalf("--version printed %q", out.String())
	}
}

func TestUsageErrorsNameWhatIsWrong(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"env", "--role", "auditor"}, `unknown --role "auditor": use contributor, viewer, admin`},
		{[]string{"env", "--wait", "-1s"}, "--wait must not be negative"},
		{[]string{"publish"}, "--bucket is required"},
		{[]string{"publish", "--platform", "aws"}, "--bucket is required"},
		{[]string{"publish", "--bucket", "b", "--label", "novalue"}, `--label "novalue" must be KEY=VALUE`},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"serve", "--nope"}, "localhcp serve --help"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, noEnv, &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("localhcp %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, errOut.String(), tc.want)
		}
	}
}

func TestDefaultPrincipalsCoverEveryRoleEnvOffers(t *testing.T) {
	srv := startServe(t, "--quiet")
	for _, role := range []string{"contributor", "viewer", "admin"} {
		if vars := srv.env(t, "--role", role); vars["HCP_CLIENT_ID"] == "" {
			t.Errorf("env --role %s exports no client id", role)
		}
	}
}
