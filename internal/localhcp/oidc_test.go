package localhcp_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// An in-memory server mints tokens of its built-in issuer that its
// providers accept through hcp-sdk-go's workload identity provider, with
// no issuer keys given to it.
func TestBuiltinIssuerTokensExchange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clk := newClock(now)
	opts := adminOptions()
	opts.Now = clk.Now
	srv := startServer(t, opts)
	admin := clientsFor(t, srv, "admin")
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), "ci-runner")).ok(t)
	wip := check(admin.createProvider(sp.ResourceName, "local", oidcProvider(localhcp.BuiltinIssuer, `jwt_claims.sub == "ci" and jwt_claims.branch == "main"`, "terraform"))).ok(t)

	token, err := srv.OIDCToken("terraform", "ci", map[string]string{"branch": "main"}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	var std jwt.Claims
	if err := parsed.UnsafeClaimsWithoutVerification(&std); err != nil {
		t.Fatal(err)
	}
	if std.Issuer != localhcp.BuiltinIssuer || std.Subject != "ci" || !std.Expiry.Time().Equal(now.Add(10*time.Minute)) ||
		!std.NotBefore.Time().Equal(now) || !std.IssuedAt.Time().Equal(now) {
		t.Fatalf("minted claims %+v, want iss %s, sub ci, iat and nbf now, exp in 10 minutes", std, localhcp.BuiltinIssuer)
	}
	tok := check(exchange(t, srv, wip.ResourceName, token)).ok(t)
	if me := check(clientsFromConfig(t, srv, apiConfig(t, srv, oauth2.StaticTokenSource(tok))).callerID()).ok(t); me.ID != sp.ID {
		t.Fatalf("caller identity %+v, want the provider's principal %s", me, sp.ID)
	}

	other, err := srv.OIDCToken("terraform", "ci", map[string]string{"branch": "feature"}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wantExchangeStatus(t, check(exchange(t, srv, wip.ResourceName, other)).err, 403, 7)
	// The server's clock bounds the token's life, leeway included.
	clk.Advance(12 * time.Minute)
	if msg := wantExchangeStatus(t, check(exchange(t, srv, wip.ResourceName, token)).err, 401, 16); !strings.Contains(msg, "expired") {
		t.Fatalf("expired token refused with %q", msg)
	}
}

func TestBuiltinIssuerTokenRequestsAreChecked(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	for name, c := range map[string]struct {
		audience string
		claims   map[string]string
		ttl      time.Duration
		want     string
	}{
		"no audience":     {"", nil, time.Minute, "an audience is required"},
		"zero lifetime":   {"a", nil, 0, "out of range"},
		"long lifetime":   {"a", nil, 25 * time.Hour, "at most 24h"},
		"reserved iss":    {"a", map[string]string{"iss": "https://evil.example"}, time.Minute, `claim "iss" cannot be given`},
		"reserved exp":    {"a", map[string]string{"exp": "1"}, time.Minute, `claim "exp" cannot be given`},
		"long claim":      {"a", map[string]string{"k": strings.Repeat("v", 1025)}, time.Minute, "longer than 1024"},
		"too many claims": {"a", manyClaims(33), time.Minute, "more than the 32 allowed"},
	} {
		if _, err := srv.OIDCToken(c.audience, "", c.claims, c.ttl); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func manyClaims(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m["c"+strings.Repeat("x", i)] = "v"
	}
	return m
}

// The built-in issuer's key is localhcp's own: neither the workload
// identity options nor TrustIssuer may replace it, and providers of the
// options may name the issuer without listing it.
func TestBuiltinIssuerCannotBeReplaced(t *testing.T) {
	t.Parallel()
	keys := newECKey(t).public
	_, err := localhcp.Start(localhcp.Options{WorkloadIdentity: &localhcp.WorkloadIdentity{Source: "wi.json",
		Issuers: []localhcp.TrustedIssuer{{Issuer: localhcp.BuiltinIssuer, Keys: keys}}}})
	if err == nil || !strings.Contains(err.Error(), "workload identity file wi.json") || !strings.Contains(err.Error(), "built-in test issuer") {
		t.Fatalf("start with the built-in issuer listed: %v", err)
	}

	dir := t.TempDir()
	first, err := localhcp.Start(localhcp.Options{DataDir: dir, Principals: adminOptions().Principals})
	if err != nil {
		t.Fatal(err)
	}
	sp := check(clientsFor(t, first, "admin").createPrincipal("project/"+first.ProjectID(), "ci-runner")).ok(t)
	if err := first.TrustIssuer(localhcp.BuiltinIssuer, keys); err == nil || !strings.Contains(err.Error(), "built-in test issuer") {
		t.Fatalf("TrustIssuer of the built-in issuer: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	// Other issuers are replaced by the options; the built-in one stays.
	second := startServer(t, localhcp.Options{DataDir: dir, WorkloadIdentity: &localhcp.WorkloadIdentity{
		Issuers:   []localhcp.TrustedIssuer{},
		Providers: []localhcp.WorkloadProvider{{ServicePrincipal: "ci-runner", Name: "local", Issuer: localhcp.BuiltinIssuer, ConditionalAccess: `jwt_claims.sub == "ci"`}},
	}})
	rn := sp.ResourceName + "/workload-identity-provider/local"
	token, err := second.OIDCToken(rn, "ci", nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	check(exchange(t, second, rn, token)).ok(t)
}

// A key file that is damaged, or that another user could have replaced,
// stops the start with an error naming it, never quoting it.
func TestBuiltinIssuerKeyFileIsChecked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, err := localhcp.Start(localhcp.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, localhcp.OIDCKeyFileName)
	if err := os.WriteFile(path, []byte("-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0\n-----END EC PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := localhcp.Start(localhcp.Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), path+" is damaged") || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Fatalf("start with a damaged key file: %v", err)
	}
	if runtime.GOOS == "windows" {
		return // access there is governed by ACLs
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := localhcp.Start(localhcp.Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "OIDC issuer key "+path+" is writable by other users") {
		t.Fatalf("start with a world-writable key file: %v", err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := localhcp.Start(localhcp.Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "OIDC issuer key "+path+" is readable by other users (mode 0640)") {
		t.Fatalf("start with a group-readable key file: %v", err)
	}
}
