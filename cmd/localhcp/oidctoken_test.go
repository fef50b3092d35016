package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/auth/workload"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"
	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// exchangeTokenFile runs hcp-sdk-go's workload identity provider on a
// token file, as a workload_identity block with token_file does. It is
// the provider itself, without the SDK's token cache, so each call
// exchanges.
func exchangeTokenFile(t *testing.T, apiAddress, providerName, tokenFile string) (*oauth2.Token, error) {
	t.Helper()
	p, err := workload.New(&workload.IdentityProviderConfig{ProviderResourceName: providerName, File: &workload.FileCredentialSource{Path: tokenFile}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetAPI(sdkConfig(t, apiAddress, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "unused"})))
	return p.Token()
}

func sdkConfig(t *testing.T, apiAddress string, ts oauth2.TokenSource) config.HCPConfig {
	t.Helper()
	cfg, err := config.NewHCPConfig(config.WithAPI(apiAddress, &tls.Config{InsecureSkipVerify: true}), config.WithTokenSource(ts), config.WithoutBrowserLogin())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// listBucketsWith reads a project's buckets with an access token.
func listBucketsWith(t *testing.T, apiAddress, orgID, projectID string, tok *oauth2.Token) error {
	t.Helper()
	rt, err := httpclient.New(httpclient.Config{HCPConfig: sdkConfig(t, apiAddress, oauth2.StaticTokenSource(tok))})
	if err != nil {
		t.Fatal(err)
	}
	params := packer_service.NewPackerServiceListBucketsParams()
	params.LocationOrganizationID, params.LocationProjectID = orgID, projectID
	_, err = packer_service.New(rt, nil).PackerServiceListBuckets(params, nil)
	return err
}

// resourceName reads resource_name= from a command's output.
func resourceName(t *testing.T, out string) string {
	t.Helper()
	for line := range strings.Lines(out) {
		if rn, ok := strings.CutPrefix(strings.TrimSpace(line), "resource_name="); ok {
			return rn
		}
	}
	t.Fatalf("no resource_name= in %q", out)
	return ""
}

// mintTokenFile runs `localhcp oidc-token` and writes its stdout to a
// file, as `> token` does.
func mintTokenFile(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out := runOK(t, noEnv, append([]string{"oidc-token", "--data", dir}, args...)...)
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") || strings.Count(out, ".") != 2 {
		t.Fatalf("oidc-token printed %q, want one compact JWT and a newline", out)
	}
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The offline flow from the command line: a principal, a provider of the
// built-in issuer, a token minted with the data directory's key, and the
// SDK's exchange, before and after a restart.
func TestOIDCTokenExchangesForTheProvidersPrincipal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := localhcp.Start(localhcp.Options{DataDir: dir, Principals: []localhcp.Principal{{Name: "admin", Role: "admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Close() })
	admin := adminEnv(first)
	runOK(t, admin, "principals", "add", "--name", "ci-runner", "--role", "viewer")
	rn := resourceName(t, runOK(t, admin, "workload-identity-providers", "add", "--principal", "ci-runner", "--name", "local",
		"--issuer", localhcp.BuiltinIssuer, "--audience", "terraform", "--conditional-access", `jwt_claims.sub == "ci" and jwt_claims.branch == "main"`))

	token := mintTokenFile(t, dir, "--audience", "terraform", "--subject", "ci", "--claim", "branch=main")
	tok, err := exchangeTokenFile(t, first.Addr(), rn, token)
	if err != nil {
		t.Fatalf("exchange of an oidc-token token: %v", err)
	}
	if err := listBucketsWith(t, first.Addr(), first.OrganizationID(), first.ProjectID(), tok); err != nil {
		t.Fatalf("read as the provider's principal: %v", err)
	}
	for name, args := range map[string][]string{
		"another subject": {"--audience", "terraform", "--subject", "someone-else", "--claim", "branch=main"},
		"another claim":   {"--audience", "terraform", "--subject", "ci", "--claim", "branch=feature"},
	} {
		if _, err := exchangeTokenFile(t, first.Addr(), rn, mintTokenFile(t, dir, args...)); err == nil || !strings.Contains(err.Error(), "status code 403") {
			t.Errorf("%s: exchange error %v, want the conditional access refusal (403)", name, err)
		}
	}
	if _, err := exchangeTokenFile(t, first.Addr(), rn, mintTokenFile(t, dir, "--audience", "other", "--subject", "ci")); err == nil || !strings.Contains(err.Error(), "status code 401") {
		t.Errorf("exchange for an audience the provider does not allow: %v, want 401", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	keyFile := filepath.Join(dir, localhcp.OIDCKeyFileName)
	fi, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %04o, want 0600", keyFile, fi.Mode().Perm())
	}
	// The key survives a restart: a token minted before it still exchanges.
	second, err := localhcp.Start(localhcp.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	if _, err := exchangeTokenFile(t, second.Addr(), rn, token); err != nil {
		t.Fatalf("exchange after a restart of a token minted before it: %v", err)
	}
}

func TestOIDCTokenNeedsAServedDataDirectory(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "never-served")} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"oidc-token", "--audience", "a", "--data", dir}, noEnv, &out, &errOut)
		if code != 1 || out.Len() != 0 || !strings.Contains(errOut.String(), "no OIDC issuer key yet: start `localhcp serve --data "+dir+"` once") {
			t.Errorf("oidc-token on %s: exit %d, stdout %q, stderr %q; want 1 and a hint to serve first", dir, code, out.String(), errOut.String())
		}
	}
	// The data directory comes from LOCALHCP_DATA as for `localhcp env`.
	dir := filepath.Join(t.TempDir(), "from-env")
	var errOut bytes.Buffer
	getenv := func(k string) string { return map[string]string{"LOCALHCP_DATA": dir}[k] }
	if code := run(context.Background(), []string{"oidc-token", "--audience", "a"}, getenv, &bytes.Buffer{}, &errOut); code != 1 || !strings.Contains(errOut.String(), dir) {
		t.Errorf("oidc-token with LOCALHCP_DATA: exit %d, stderr %q; want 1 naming %s", code, errOut.String(), dir)
	}
}

func TestOIDCTokenFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"oidc-token"}, "--audience is required"},
		{[]string{"oidc-token", "--audience", "a", "--claim", "novalue"}, `--claim "novalue" must be KEY=VALUE`},
		{[]string{"oidc-token", "--audience", "a", "--claim", "=v"}, `--claim "=v" must be KEY=VALUE`},
		{[]string{"oidc-token", "--audience", "a", "--claim", "k=1", "--claim", "k=2"}, `--claim "k" is given twice`},
		{[]string{"oidc-token", "--audience", "a", "--claim", "iss=https://evil.example"}, `claim "iss" cannot be given`},
		{[]string{"oidc-token", "--audience", "a", "--claim", "exp=1"}, `claim "exp" cannot be given`},
		{[]string{"oidc-token", "--audience", "a", "--claim", "aud=b"}, "--audience"},
		{[]string{"oidc-token", "--audience", "a", "--expires-in", "0s"}, "out of range"},
		{[]string{"oidc-token", "--audience", "a", "--expires-in", "-1m"}, "out of range"},
		{[]string{"oidc-token", "--audience", "a", "--expires-in", "25h"}, "at most 24h"},
		{[]string{"oidc-token", "--audience", "a", "extra"}, `unexpected argument "extra"`},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, noEnv, &out, &errOut)
		if code != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), tc.want) || !strings.Contains(errOut.String(), "localhcp oidc-token --help") {
			t.Errorf("localhcp %s: exit %d, stderr %q; want 2, %q and the help hint", strings.Join(tc.args, " "), code, errOut.String(), tc.want)
		}
	}
}

func TestUsageListsOIDCToken(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	run(context.Background(), []string{"help"}, noEnv, &out, &bytes.Buffer{})
	if !strings.Contains(out.String(), "localhcp oidc-token --audience AUD") {
		t.Fatalf("localhcp help does not list oidc-token:\n%s", out.String())
	}
}
