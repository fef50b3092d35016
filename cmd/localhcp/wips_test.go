package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func TestWorkloadIdentityProvidersFromTheCommandLine(t *testing.T) {
	t.Parallel()
	srv, err := localhcp.Start(localhcp.Options{Principals: []localhcp.Principal{{Name: "admin", Role: "admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	admin := adminEnv(srv)
	runOK(t, admin, "principals", "add", "--name", "deployer", "--role", "contributor")

	out := runOK(t, admin, "workload-identity-providers", "add", "--principal", "deployer", "--name", "github",
		"--issuer", "https://token.actions.githubusercontent.com", "--audience", "hcp", "--audience", "other",
		"--conditional-access", `jwt_claims.repository == "org/app"`, "--description", "CI")
	rn := "iam/project/" + srv.ProjectID() + "/service-principal/deployer/workload-identity-provider/github"
	if !strings.Contains(out, "resource_name="+rn+"\n") || !strings.Contains(out, "resource_id=") {
		t.Fatalf("add printed %q, want the resource name %s", out, rn)
	}
	runOK(t, admin, "wips", "add", "--principal", "deployer", "--name", "default-aud",
		"--issuer", "https://token.actions.githubusercontent.com", "--conditional-access", `jwt_claims.sub != ""`)
	list := runOK(t, admin, "wips", "list", "--principal", "deployer")
	for _, want := range []string{rn, "https://token.actions.githubusercontent.com", "[hcp other]", `jwt_claims.repository == "org/app"`, "(its resource name)"} {
		if !strings.Contains(list, want) {
			t.Errorf("list does not show %q:\n%s", want, list)
		}
	}
	if out := runOK(t, admin, "workload-identity-providers", "delete", "--provider", rn); out != "deleted="+rn+"\n" {
		t.Fatalf("delete printed %q", out)
	}
	if list := runOK(t, admin, "wips", "list", "--principal", "deployer"); strings.Contains(list, rn+" ") {
		t.Fatalf("the deleted provider is still listed:\n%s", list)
	}

	// The server's refusals come through with its message.
	var errOut bytes.Buffer
	code := run(context.Background(), []string{"wips", "add", "--principal", "deployer", "--name", "bad", "--issuer", "http://insecure.example",
		"--conditional-access", `jwt_claims.sub == "x"`}, admin, &bytes.Buffer{}, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "HTTP 400") || !strings.Contains(errOut.String(), "oidc_config.issuer_uri") {
		t.Fatalf("add with an http issuer: exit %d, stderr %q", code, errOut.String())
	}
}

func TestWorkloadIdentityProviderCommandsNameWhatIsWrong(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"wips"}, "add, list or delete"},
		{[]string{"workload-identity-providers", "update"}, `unknown command "update"`},
		{[]string{"wips", "add", "--name", "x", "--issuer", "https://i", "--conditional-access", "a == b"}, "--principal is required"},
		{[]string{"wips", "add", "--principal", "p", "--issuer", "https://i", "--conditional-access", "a == b"}, "--name is required"},
		{[]string{"wips", "add", "--principal", "p", "--name", "x", "--conditional-access", "a == b"}, "--issuer is required"},
		{[]string{"wips", "add", "--principal", "p", "--name", "x", "--issuer", "https://i"}, "--conditional-access is required"},
		{[]string{"wips", "list"}, "--principal is required"},
		{[]string{"wips", "delete"}, "--provider is required"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tc.args, noEnv, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("localhcp %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, errOut.String(), tc.want)
		}
	}
	for _, args := range [][]string{{"help", "workload-identity-providers"}, {"wips", "--help"}, {"workload-identity-providers", "add", "--help"}, {"wips", "list", "-h"}, {"wips", "delete", "--help"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, noEnv, &out, &errOut); code != 0 || errOut.Len() != 0 || !strings.Contains(out.String(), "--principal") && !strings.Contains(out.String(), "--provider") {
			t.Errorf("localhcp %s: exit %d, stdout %q, stderr %q; want help on stdout", strings.Join(args, " "), code, out.String(), errOut.String())
		}
	}
	var out bytes.Buffer
	run(context.Background(), []string{"wips", "add", "--help"}, noEnv, &out, &bytes.Buffer{})
	for _, want := range []string{"--audience AUDIENCE", "--conditional-access EXPR", "serve --workload-identity FILE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("wips add --help does not show %q:\n%s", want, out.String())
		}
	}
}

func TestServeReadsTheWorkloadIdentityFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	first, err := localhcp.Start(localhcp.Options{DataDir: data, Principals: []localhcp.Principal{{Name: "admin", Role: "admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	runOK(t, adminEnv(first), "principals", "add", "--name", "deployer")
	project := first.ProjectID()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("issuer.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	good := write("wi.json", `{"issuers": [{"issuer": "https://issuer.example", "public_key_file": "issuer.pem"}],
		"providers": [{"service_principal": "deployer", "name": "ci-runner", "issuer": "https://issuer.example", "conditional_access": "jwt_claims.sub == \"ci\""}]}`)
	stopped, cancel := context.WithCancel(context.Background())
	cancel() // serve starts, prints and stops at once
	var out, errOut bytes.Buffer
	if code := run(stopped, []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--quiet", "--workload-identity", good}, noEnv, &out, &errOut); code != 0 {
		t.Fatalf("serve with a good file: exit %d\n%s", code, errOut.String())
	}
	second, err := localhcp.Start(localhcp.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	list := runOK(t, adminEnv(second), "wips", "list", "--principal", "deployer")
	if !strings.Contains(list, "iam/project/"+project+"/service-principal/deployer/workload-identity-provider/ci-runner") {
		t.Fatalf("the file's provider is not listed:\n%s", list)
	}
	second.Close()

	for name, c := range map[string]struct{ content, want string }{
		"unlisted issuer": {`{"issuers": [], "providers": [{"service_principal": "deployer", "name": "ci-runner", "issuer": "https://other.example", "conditional_access": "jwt_claims.sub == \"ci\""}]}`,
			`provider 0 ("ci-runner"): issuer "https://other.example" is not among the issuers`},
		"built-in issuer": {`{"issuers": [{"issuer": "https://localhcp.invalid/oidc", "public_key_file": "issuer.pem"}]}`,
			`issuer 0 ("https://localhcp.invalid/oidc"): this is localhcp's built-in test issuer`},
		"missing key file": {`{"issuers": [{"issuer": "https://issuer.example", "jwks_file": "gone.json"}]}`, "gone.json"},
		"no principal": {`{"issuers": [{"issuer": "https://issuer.example", "public_key_file": "issuer.pem"}], "providers": [{"service_principal": "nobody", "name": "ci-runner", "issuer": "https://issuer.example", "conditional_access": "jwt_claims.sub == \"ci\""}]}`,
			`service principal "iam/project/` + project + `/service-principal/nobody" does not exist`},
	} {
		path := write(strings.ReplaceAll(name, " ", "-")+".json", c.content)
		var out, errOut bytes.Buffer
		code := run(stopped, []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--quiet", "--workload-identity", path}, noEnv, &out, &errOut)
		if code != 1 || !strings.Contains(errOut.String(), path) || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 naming %s and %q", name, code, errOut.String(), path, c.want)
		}
	}
}
