package main

import (
	"bytes"
	"context"
	"fmt"
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
		{"help", "principals"}, {"help", "keys"}, {"principals", "--help"}, {"keys", "-h"},
		{"principals", "add", "--help"}, {"principals", "list", "-h"}, {"keys", "add", "--help"}, {"keys", "delete", "-h"},
		{"help", "oidc-token"}, {"oidc-token", "--help"}, {"oidc-token", "-h"},
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
		"serve":      {"--addr ADDRESS", "--data DIR", "--fault-rate SHARE", "--retry-after DURATION", "--quiet\n"},
		"env":        {"--data DIR", "--role ROLE", "--wait DURATION", "contributor, viewer, admin"},
		"publish":    {"--bucket NAME", "--label KEY=VALUE", "--channel NAME", "--create-channels\n"},
		"oidc-token": {"--audience AUD", "--subject SUB", "--claim KEY=VALUE", "--expires-in DURATION", "--data DIR", "https://localhcp.invalid/oidc"},
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

// publishOut runs `localhcp publish` with the exports of `localhcp env`.
func publishOut(vars map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"publish"}, args...), func(k string) string { return vars[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestPublishUnderFaultsSucceedsEveryTime(t *testing.T) {
	// --retry-after 0 keeps the injected 429s from costing a second each;
	// the request log shows how many answers were replaced.
	srv := startServe(t, "--fault-rate", "0.2", "--retry-after", "0")
	vars := srv.env(t)
	for i := range 20 {
		code, out, errOut := publishOut(vars, "--bucket", "faulty", "--fingerprint", fmt.Sprintf("fp-%d", i), "--channel", "stable", "--create-channels")
		if code != 0 {
			t.Fatalf("publish %d of 20 under --fault-rate 0.2 exited %d: %s", i+1, code, errOut)
		}
		if want := fmt.Sprintf("version=v%d\n", i+1); !strings.Contains(out, want) {
			t.Fatalf("publish %d printed %q, want %q", i+1, out, want)
		}
	}
	log := srv.stderr.String()
	faults := strings.Count(log, "status=429") + strings.Count(log, "status=503")
	if faults < 10 {
		t.Fatalf("only %d answers were faults: the test did not exercise the retries", faults)
	}
	t.Logf("20 publishes succeeded through %d injected 429/503 answers", faults)
}

func TestPublishRerunOfACompletedVersionFinishesItsChannelStep(t *testing.T) {
	srv := startServe(t, "--quiet")
	vars := srv.env(t)
	build := []string{"--bucket", "rerun", "--fingerprint", "fp-1", "--platform", "aws", "--region", "us-east-1", "--external-id", "ami-1", "--label", "os=ubuntu"}

	// Packer's order: the builds complete the version, then the channel
	// update fails because the channel does not exist.
	code, _, errOut := publishOut(vars, append(build, "--channel", "dev")...)
	want := `channel "dev" not found in bucket "rerun" (NotFound): pass --create-channels to create it`
	if code != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut, "PackerService") {
		t.Fatalf("publish to a missing channel: exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}

	code, out, errOut := publishOut(vars, append(build, "--channel", "dev", "--create-channels")...)
	if code != 0 || !strings.Contains(out, "version=v1\n") {
		t.Fatalf("re-run of the completed publish: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if v := channelVersion(t, vars, "rerun", "dev"); v == nil || v.Name != "v1" {
		t.Fatalf("dev serves %+v after the re-run, want v1", v)
	}
	// Running it once more changes nothing and still succeeds.
	if code, _, errOut := publishOut(vars, append(build, "--channel", "dev")...); code != 0 {
		t.Fatalf("third run: exit %d: %s", code, errOut)
	}

	other := append([]string(nil), build...)
	other[9] = "ami-2"
	code, _, errOut = publishOut(vars, other...)
	if code != 1 || !strings.Contains(errOut, `is complete with other builds: build "null.example" has other artifacts than ami-2 in us-east-1; publish with a new --fingerprint`) {
		t.Fatalf("re-run with another artifact: exit %d, stderr %q", code, errOut)
	}
}
