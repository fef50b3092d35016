package localhcp_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func newRSAKey(t *testing.T) (*testKey, []byte) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return newTestKey(t, jose.RS256, k, &k.PublicKey), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Providers of the workload identity options are created at start, updated
// on a later start, and the issuer keys persist like the rest.
func TestWorkloadIdentityOptionsAtStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := localhcp.Start(localhcp.Options{DataDir: dir, Principals: adminOptions().Principals})
	if err != nil {
		t.Fatal(err)
	}
	sp := check(clientsFor(t, first, "admin").createPrincipal("project/"+first.ProjectID(), "deployer")).ok(t)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	key, pemKey := newRSAKey(t)
	wi := &localhcp.WorkloadIdentity{
		Issuers:   []localhcp.TrustedIssuer{{Issuer: testIssuer, Keys: pemKey}},
		Providers: []localhcp.WorkloadProvider{{ServicePrincipal: "deployer", Name: "github", Issuer: testIssuer, ConditionalAccess: `jwt_claims.sub == "repo:app"`}},
	}
	start := func(wi *localhcp.WorkloadIdentity) *localhcp.Server {
		srv, err := localhcp.Start(localhcp.Options{DataDir: dir, WorkloadIdentity: wi})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	second := start(wi)
	rn := sp.ResourceName + "/workload-identity-provider/github"
	p := check(clientsFor(t, second, "admin").getProvider(rn)).ok(t)
	if p.OidcConfig == nil || p.OidcConfig.IssuerURI != testIssuer || p.OidcConfig.AllowedAudiences == nil || len(p.OidcConfig.AllowedAudiences) != 0 {
		t.Fatalf("provider from the options %+v", p)
	}
	// The default audience is the provider's resource name.
	token := key.sign(t, jwt.Claims{Issuer: testIssuer, Subject: "repo:app", Audience: jwt.Audience{rn}, Expiry: jwt.NewNumericDate(time.Now().Add(time.Hour))}, nil)
	check(exchange(t, second, rn, token)).ok(t)
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}

	// A later start updates the provider in place.
	wi.Providers[0].ConditionalAccess = `jwt_claims.sub == "repo:other"`
	third := start(wi)
	updated := check(clientsFor(t, third, "admin").getProvider(rn)).ok(t)
	if updated.ResourceID != p.ResourceID || updated.ConditionalAccess != `jwt_claims.sub == "repo:other"` {
		t.Fatalf("provider after a changed start %+v, want %s updated", updated, p.ResourceID)
	}
	wantExchangeStatus(t, check(exchange(t, third, rn, token)).err, 403, 7)
	if err := third.Close(); err != nil {
		t.Fatal(err)
	}

	// Without options the stored issuers and providers stay.
	fourth := start(nil)
	defer fourth.Close()
	wantExchangeStatus(t, check(exchange(t, fourth, rn, token)).err, 403, 7)
	ed := newECKey(t)
	if err := fourth.TrustIssuer(testIssuer, ed.public); err != nil {
		t.Fatal(err)
	}
	wantExchangeStatus(t, check(exchange(t, fourth, rn, token)).err, 401, 16)
}

func TestReadWorkloadIdentityFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, pemKey := newRSAKey(t)
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("key.pem", string(pemKey))
	write("keys.json", string(newECKey(t).public))
	good := write("good.json", `{"issuers": [{"issuer": "https://a.example", "public_key_file": "key.pem"}, {"issuer": "https://b.example", "jwks_file": "keys.json"}],
		"providers": [{"service_principal": "deployer", "name": "github", "issuer": "https://a.example", "allowed_audiences": ["x"], "conditional_access": "jwt_claims.sub == \"y\"", "description": "d"}]}`)
	wi, err := localhcp.ReadWorkloadIdentity(good)
	if err != nil {
		t.Fatal(err)
	}
	if wi.Source != good || len(wi.Issuers) != 2 || string(wi.Issuers[0].Keys) != string(pemKey) || len(wi.Providers) != 1 ||
		wi.Providers[0].Name != "github" || wi.Providers[0].AllowedAudiences[0] != "x" || wi.Providers[0].Description != "d" {
		t.Fatalf("read %+v", wi)
	}

	for name, c := range map[string]struct{ content, want string }{
		"not json":      {`[`, "is not {"},
		"unknown field": {`{"issuers": [], "provider": []}`, `unknown field "provider"`},
		"both keys":     {`{"issuers": [{"issuer": "https://a.example", "jwks_file": "keys.json", "public_key_file": "key.pem"}]}`, `issuer 0 ("https://a.example"): give exactly one of jwks_file and public_key_file`},
		"no key":        {`{"issuers": [{"issuer": "https://a.example"}]}`, "exactly one of"},
		"missing file":  {`{"issuers": [{"issuer": "https://a.example", "jwks_file": "nope.json"}]}`, "nope.json"},
	} {
		path := write(name+".json", c.content)
		_, err := localhcp.ReadWorkloadIdentity(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s and containing %q", name, err, path, c.want)
		}
	}
}

// Every bad entry stops the start with an error naming the source, the
// entry and the problem.
func TestWorkloadIdentityStartErrors(t *testing.T) {
	t.Parallel()
	keys := newECKey(t).public
	issuers := []localhcp.TrustedIssuer{{Issuer: testIssuer, Keys: keys}}
	provider := func(change func(*localhcp.WorkloadProvider)) []localhcp.WorkloadProvider {
		p := localhcp.WorkloadProvider{ServicePrincipal: "deployer", Name: "github", Issuer: testIssuer, ConditionalAccess: `jwt_claims.sub == "x"`}
		change(&p)
		return []localhcp.WorkloadProvider{p}
	}
	cases := map[string]struct {
		wi   localhcp.WorkloadIdentity
		want string
	}{
		"http issuer":      {localhcp.WorkloadIdentity{Issuers: []localhcp.TrustedIssuer{{Issuer: "http://a.example", Keys: keys}}}, `issuer 0 ("http://a.example"): issuer "http://a.example" is invalid`},
		"bad keys":         {localhcp.WorkloadIdentity{Issuers: []localhcp.TrustedIssuer{{Issuer: testIssuer, Keys: []byte("nope")}}}, "neither a JWKS document"},
		"duplicate issuer": {localhcp.WorkloadIdentity{Issuers: append(issuers, issuers...)}, "listed twice"},
		"bad name":         {localhcp.WorkloadIdentity{Issuers: issuers, Providers: provider(func(p *localhcp.WorkloadProvider) { p.Name = "-x" })}, `provider 0 ("-x"): workload identity provider name`},
		"bad condition":    {localhcp.WorkloadIdentity{Issuers: issuers, Providers: provider(func(p *localhcp.WorkloadProvider) { p.ConditionalAccess = "sub ===" })}, "go-bexpr"},
		"unlisted issuer":  {localhcp.WorkloadIdentity{Issuers: issuers, Providers: provider(func(p *localhcp.WorkloadProvider) { p.Issuer = "https://b.example" })}, `issuer "https://b.example" is not among the issuers`},
		"missing principal": {localhcp.WorkloadIdentity{Issuers: issuers, Providers: provider(func(p *localhcp.WorkloadProvider) {})},
			"does not exist: create it first"},
		"org principal": {localhcp.WorkloadIdentity{Issuers: issuers, Providers: provider(func(p *localhcp.WorkloadProvider) {
			p.ServicePrincipal = "iam/organization/o/service-principal/deployer"
		})}, "give a project principal"},
	}
	for name, c := range cases {
		c.wi.Source = "wi.json"
		_, err := localhcp.Start(localhcp.Options{WorkloadIdentity: &c.wi})
		if err == nil || !strings.Contains(err.Error(), "workload identity file wi.json") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: start error %v, want one naming the file and containing %q", name, err, c.want)
		}
	}
}

// An exchanged token survives a restart that replaces the seeded
// principals, as key tokens do: clients replay cached tokens.
func TestExchangedTokenSurvivesARestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := localhcp.Start(localhcp.Options{DataDir: dir, Principals: adminOptions().Principals})
	if err != nil {
		t.Fatal(err)
	}
	admin := clientsFor(t, first, "admin")
	sp := check(admin.createPrincipal("project/"+first.ProjectID(), "deployer")).ok(t)
	key := newECKey(t)
	if err := first.TrustIssuer(testIssuer, key.public); err != nil {
		t.Fatal(err)
	}
	wip := check(admin.createProvider(sp.ResourceName, "github", oidcProvider(testIssuer, `jwt_claims.sub == "repo:app"`, "aud-1"))).ok(t)
	jwtToken := key.sign(t, jwt.Claims{Issuer: testIssuer, Subject: "repo:app", Audience: jwt.Audience{"aud-1"}, Expiry: jwt.NewNumericDate(time.Now().Add(time.Hour))}, nil)
	tok := check(exchange(t, first, wip.ResourceName, jwtToken)).ok(t)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := startServer(t, localhcp.Options{DataDir: dir, Principals: []localhcp.Principal{{Name: "boss", Role: "admin"}}})
	c := clientsFromConfig(t, second, apiConfig(t, second, oauth2.StaticTokenSource(tok)))
	if me := check(c.callerID()).ok(t); me.ID != sp.ID {
		t.Fatalf("caller identity after the restart %+v, want %s", me, sp.ID)
	}
	check(exchange(t, second, wip.ResourceName, jwtToken)).ok(t)
}

// The wip: prefix marks exchanged tokens, so no key may carry it.
func TestSeededClientIDsCannotLookLikeProviders(t *testing.T) {
	t.Parallel()
	_, err := localhcp.Start(localhcp.Options{Principals: []localhcp.Principal{{Name: "ci", Role: "admin", ClientID: "wip:x"}}})
	if err == nil || !strings.Contains(err.Error(), `client id "wip:x"`) {
		t.Fatalf("start with a wip: client id: %v", err)
	}
}
