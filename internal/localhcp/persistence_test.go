package localhcp_test

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := localhcp.Start(localhcp.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res := pub(t, first, publish.Options{Bucket: "durable", Channels: []string{"stable"}, CreateChannels: true})
	c := clientsFor(t, first, "contributor")
	check(c.updateVersion("durable", res.Fingerprint, revokeNow("kept"))).ok(t)
	cc := tokenConfig(first, first.Principal("viewer"), oauth2.AuthStyleInHeader)
	tok, err := cc.Token(insecureContext())
	if err != nil {
		t.Fatal(err)
	}
	before := struct {
		org, project string
		principals   []localhcp.Principal
	}{first.OrganizationID(), first.ProjectID(), first.Principals()}
	if _, err := os.Stat(filepath.Join(dir, localhcp.StateFileName)); err != nil {
		t.Fatalf("no state file while running: %v", err)
	}
	certBefore, err := os.ReadFile(filepath.Join(dir, localhcp.CertFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, localhcp.StateFileName)); !os.IsNotExist(err) {
		t.Fatalf("state file left behind after Close: %v", err)
	}

	second := startServer(t, localhcp.Options{DataDir: dir})
	if second.OrganizationID() != before.org || second.ProjectID() != before.project {
		t.Fatalf("ids changed: %s/%s → %s/%s", before.org, before.project, second.OrganizationID(), second.ProjectID())
	}
	if got := second.Principals(); len(got) != len(before.principals) || got[0] != before.principals[0] || got[1] != before.principals[1] {
		t.Fatalf("principals changed: %+v → %+v", before.principals, got)
	}
	certAfter, _ := os.ReadFile(filepath.Join(dir, localhcp.CertFileName))
	if string(certAfter) != string(certBefore) {
		t.Fatal("the TLS certificate was regenerated on restart")
	}
	// A token issued before the restart still works (clients cache them).
	if err := listBucketsWith(packerWithTokens(t, second, oauth2.StaticTokenSource(tok)), second); err != nil {
		t.Fatalf("pre-restart token: %v", err)
	}
	c2 := clientsFor(t, second, "contributor")
	v := check(c2.getVersion("durable", res.Fingerprint)).ok(t)
	if v.Name != "v1" || status(v) != "VERSION_REVOKED" || v.RevocationMessage != "kept" {
		t.Fatalf("version after restart = %s %s %q", v.Name, status(v), v.RevocationMessage)
	}
	h := check(c2.history("durable", "stable", 0, "")).ok(t)
	if h.Count != 2 {
		t.Fatalf("stable history after restart has %d entries, want 2", h.Count)
	}
	// Numbering continues.
	if next := pub(t, second, publish.Options{Bucket: "durable"}); next.VersionName != "v2" {
		t.Fatalf("next version = %s", next.VersionName)
	}
}

func TestLoadEnvReadsARunningServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := localhcp.LoadEnv(t.Context(), dir, "contributor", 0); err == nil {
		t.Fatal("LoadEnv succeeded with no server")
	}
	srv := startServer(t, localhcp.Options{DataDir: dir})
	env, err := localhcp.LoadEnv(t.Context(), dir, "viewer", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := srv.Env("viewer")
	if len(env) != len(want) {
		t.Fatalf("LoadEnv = %v, want %v", env, want)
	}
	for i := range want {
		if env[i] != want[i] {
			t.Fatalf("LoadEnv[%d] = %q, want %q", i, env[i], want[i])
		}
	}
	for _, role := range localhcp.Roles {
		if _, err := localhcp.LoadEnv(t.Context(), dir, role, 0); err != nil {
			t.Errorf("the default principals have no %s: %v", role, err)
		}
	}
	if _, err := localhcp.LoadEnv(t.Context(), dir, "auditor", 0); err == nil {
		t.Fatal("LoadEnv found an auditor that does not exist")
	}
}
