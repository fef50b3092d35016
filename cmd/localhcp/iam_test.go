package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// adminEnv turns a server's HCP_* entries for its admin into a getenv:
// managing principals, keys and providers needs the admin role.
func adminEnv(srv *localhcp.Server) func(string) string {
	vars := map[string]string{}
	for _, e := range srv.Env("admin") {
		k, v, _ := strings.Cut(e, "=")
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

// withKey is getenv with a key's exports in place of the credentials.
func withKey(t *testing.T, base func(string) string, keysAddOut string) func(string) string {
	t.Helper()
	key := parseExports(t, keysAddOut)
	if key["HCP_CLIENT_ID"] == "" || key["HCP_CLIENT_SECRET"] == "" {
		t.Fatalf("keys add printed no credentials:\n%s", keysAddOut)
	}
	return func(k string) string {
		if v, ok := key[k]; ok {
			return v
		}
		return base(k)
	}
}

// runOK runs a command that must succeed and returns its stdout.
func runOK(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, getenv, &out, &errOut); code != 0 {
		t.Fatalf("localhcp %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// The pipeline's security set-up, offline and from the command line: a
// Packer principal with contributor on the project publishes, a Terraform
// principal with viewer on one bucket alone is refused, naming the bucket,
// the principal and the role it would need.
func TestPrincipalsAndKeysFromTheCommandLine(t *testing.T) {
	t.Parallel()
	srv, err := localhcp.Start(localhcp.Options{Principals: []localhcp.Principal{{Name: "admin", Role: "admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	admin := adminEnv(srv)

	out := runOK(t, admin, "principals", "add", "--name", "packer", "--role", "contributor")
	if !strings.Contains(out, "resource_name=iam/project/"+srv.ProjectID()+"/service-principal/packer") {
		t.Fatalf("principals add printed %q", out)
	}
	packer := withKey(t, admin, runOK(t, admin, "keys", "add", "--principal", "packer"))
	runOK(t, packer, "publish", "--bucket", "base-a", "--channel", "stable", "--create-channels")
	runOK(t, packer, "publish", "--bucket", "base-b")

	runOK(t, admin, "principals", "add", "--name", "terraform", "--role", "viewer", "--bucket", "base-a")
	keyOut := runOK(t, admin, "keys", "add", "--principal", "terraform")
	terraform := withKey(t, admin, keyOut)

	// Refused on the bucket it cannot see, and on the one it only views.
	for bucket, needs := range map[string]string{"base-b": "roles/viewer", "base-a": "roles/contributor"} {
		var pubOut, pubErr bytes.Buffer
		if code := run(context.Background(), []string{"publish", "--bucket", bucket}, terraform, &pubOut, &pubErr); code != 1 {
			t.Fatalf("publish to %s as the viewer: exit %d, want 1\n%s", bucket, code, pubErr.String())
		}
		for _, want := range []string{"terraform", "bucket", bucket, needs} {
			if !strings.Contains(pubErr.String(), want) {
				t.Errorf("the viewer's refusal on %s does not contain %q:\n%s", bucket, want, pubErr.String())
			}
		}
	}

	list := runOK(t, admin, "principals", "list")
	for _, want := range []string{"packer", "contributor (project)", "terraform"} {
		if !strings.Contains(list, want) {
			t.Errorf("principals list does not show %q:\n%s", want, list)
		}
	}
	keys := runOK(t, admin, "keys", "list", "--principal", "terraform")
	clientID := parseExports(t, keyOut)["HCP_CLIENT_ID"]
	if !strings.Contains(keys, clientID) || strings.Contains(keys, parseExports(t, keyOut)["HCP_CLIENT_SECRET"]) {
		t.Fatalf("keys list shows no client id %s, or shows the secret:\n%s", clientID, keys)
	}
	keyName := strings.Fields(strings.Split(strings.TrimSpace(keys), "\n")[1])[2]
	runOK(t, admin, "keys", "delete", "--key", keyName)
	runOK(t, admin, "principals", "delete", "--principal", "terraform")
	if list := runOK(t, admin, "principals", "list"); strings.Contains(list, "terraform") {
		t.Fatalf("terraform is still listed after delete:\n%s", list)
	}
}

func TestPrincipalsCommandsNameWhatIsWrong(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"principals"}, "add, list or delete"},
		{[]string{"keys", "rotate"}, `unknown command "rotate"`},
		{[]string{"principals", "add"}, "--name is required"},
		{[]string{"principals", "add", "--name", "x", "--role", "owner"}, `--role "owner" is not a role`},
		{[]string{"principals", "add", "--name", "x", "--bucket", "b"}, "give --role"},
		{[]string{"keys", "add"}, "--principal is required"},
		{[]string{"keys", "delete"}, "--key is required"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tc.args, noEnv, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("localhcp %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, errOut.String(), tc.want)
		}
	}
	for _, args := range [][]string{{"principals", "--help"}, {"principals", "add", "--help"}, {"keys", "list", "-h"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, noEnv, &out, &errOut); code != 0 || errOut.Len() != 0 || !strings.Contains(out.String(), "--name") && !strings.Contains(out.String(), "--principal") {
			t.Errorf("localhcp %s: exit %d, stdout %q, stderr %q; want help on stdout", strings.Join(args, " "), code, out.String(), errOut.String())
		}
	}
}
