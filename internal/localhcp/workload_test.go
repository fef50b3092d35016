package localhcp_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hashicorp/hcp-sdk-go/auth/workload"
	sps "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/models"
	"github.com/hashicorp/hcp-sdk-go/config"
	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

const testIssuer = "https://issuer.example/tenant"

func (c *sdk) createProvider(principal, name string, p *models.HashicorpCloudIamWorkloadIdentityProvider) (*models.HashicorpCloudIamWorkloadIdentityProvider, error) {
	params := sps.NewServicePrincipalsServiceCreateWorkloadIdentityProviderParams()
	params.ParentResourceName = principal
	params.Body.Name, params.Body.Provider = name, p
	r, err := c.sps.ServicePrincipalsServiceCreateWorkloadIdentityProvider(params, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Provider, nil
}

func (c *sdk) getProvider(rn string) (*models.HashicorpCloudIamWorkloadIdentityProvider, error) {
	params := sps.NewServicePrincipalsServiceGetWorkloadIdentityProviderParams()
	params.ResourceName2 = rn
	r, err := c.sps.ServicePrincipalsServiceGetWorkloadIdentityProvider(params, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Provider, nil
}

// updateProvider sends the full set of mutable fields and no update mask,
// as the official provider does.
func (c *sdk) updateProvider(rn string, p *models.HashicorpCloudIamWorkloadIdentityProvider) (*models.HashicorpCloudIamWorkloadIdentityProvider, error) {
	params := sps.NewServicePrincipalsServiceUpdateWorkloadIdentityProviderParams()
	params.ProviderResourceName = rn
	params.Provider = sps.ServicePrincipalsServiceUpdateWorkloadIdentityProviderBody{
		AwsConfig: p.AwsConfig, OidcConfig: p.OidcConfig, ConditionalAccess: p.ConditionalAccess, Description: p.Description,
	}
	r, err := c.sps.ServicePrincipalsServiceUpdateWorkloadIdentityProvider(params, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Provider, nil
}

func (c *sdk) listProviders(principal string, pageSize int64, token string) (*models.HashicorpCloudIamListWorkloadIdentityProviderResponse, error) {
	params := sps.NewServicePrincipalsServiceListWorkloadIdentityProviderParams()
	params.ParentResourceName = principal
	if pageSize != 0 {
		params.PaginationPageSize = &pageSize
	}
	if token != "" {
		params.PaginationNextPageToken = &token
	}
	r, err := c.sps.ServicePrincipalsServiceListWorkloadIdentityProvider(params, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func (c *sdk) deleteProvider(rn string) (*models.HashicorpCloudIamDeleteWorkloadIdentityProviderResponse, error) {
	params := sps.NewServicePrincipalsServiceDeleteWorkloadIdentityProviderParams()
	params.ResourceName4 = rn
	r, err := c.sps.ServicePrincipalsServiceDeleteWorkloadIdentityProvider(params, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func oidcProvider(issuer, condition string, audiences ...string) *models.HashicorpCloudIamWorkloadIdentityProvider {
	if audiences == nil {
		audiences = []string{} // the official provider sends [] for an empty set
	}
	return &models.HashicorpCloudIamWorkloadIdentityProvider{
		ConditionalAccess: condition,
		OidcConfig:        &models.HashicorpCloudIamOIDCWorkloadIdentityProviderConfig{IssuerURI: issuer, AllowedAudiences: audiences},
	}
}

func TestWorkloadIdentityProvidersThroughTheSDK(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), "deployer")).ok(t)

	created := check(admin.createProvider(sp.ResourceName, "github", oidcProvider(testIssuer, `jwt_claims.sub == "repo:app"`))).ok(t)
	wantName := sp.ResourceName + "/workload-identity-provider/github"
	if created.ResourceName != wantName || created.ResourceID == "" || created.SystemManaged || created.OidcConfig == nil ||
		created.OidcConfig.IssuerURI != testIssuer || created.ConditionalAccess != `jwt_claims.sub == "repo:app"` ||
		created.CreatedAt == nil || created.UpdatedAt == nil || time.Time(*created.CreatedAt).IsZero() {
		t.Fatalf("created %+v, want %s with its configuration", created, wantName)
	}
	// [] and never null: the official provider reads null as a null set.
	if created.OidcConfig.AllowedAudiences == nil {
		t.Fatal("allowed_audiences came back null, want []")
	}
	got := check(admin.getProvider(wantName)).ok(t)
	if got.ResourceID != created.ResourceID || got.OidcConfig.AllowedAudiences == nil {
		t.Fatalf("GetWorkloadIdentityProvider = %+v", got)
	}
	wantCode(t, check(admin.createProvider(sp.ResourceName, "github", oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).err, 409, 6)

	changed := oidcProvider("https://other.example", `jwt_claims.sub != "x"`, "aud-1", "aud-2")
	changed.Description = "deploys"
	updated := check(admin.updateProvider(wantName, changed)).ok(t)
	if updated.ResourceID != created.ResourceID || updated.Description != "deploys" || updated.ConditionalAccess != changed.ConditionalAccess ||
		strings.Join(updated.OidcConfig.AllowedAudiences, ",") != "aud-1,aud-2" || updated.OidcConfig.IssuerURI != "https://other.example" {
		t.Fatalf("updated %+v", updated)
	}
	aws := &models.HashicorpCloudIamWorkloadIdentityProvider{ConditionalAccess: `aws.arn matches "role/app"`,
		AwsConfig: &models.HashicorpCloudIamAWSWorkloadIdentityProviderConfig{AccountID: "123456789012"}}
	if p := check(admin.createProvider(sp.ResourceName, "aws", aws)).ok(t); p.AwsConfig == nil || p.AwsConfig.AccountID != "123456789012" || p.OidcConfig != nil {
		t.Fatalf("AWS provider %+v", p)
	}

	first := check(admin.listProviders(sp.ResourceName, 1, "")).ok(t)
	if len(first.Providers) != 1 || first.Pagination.NextPageToken == "" {
		t.Fatalf("first page %+v", first)
	}
	second := check(admin.listProviders(sp.ResourceName, 1, first.Pagination.NextPageToken)).ok(t)
	if len(second.Providers) != 1 || second.Providers[0].ResourceName == first.Providers[0].ResourceName {
		t.Fatalf("second page %+v after %+v", second, first)
	}

	deleted := check(admin.deleteProvider(wantName)).ok(t)
	if deleted.ResourceID != created.ResourceID || deleted.ResourceName != wantName {
		t.Fatalf("delete answered %+v", deleted)
	}
	msg := wantCode(t, check(admin.getProvider(wantName)).err, 404, 5)
	if !strings.Contains(msg, wantName) {
		t.Fatalf("not-found message %q does not name the provider", msg)
	}
	wantCode(t, check(admin.deleteProvider(wantName)).err, 404, 5)
	wantCode(t, check(admin.createProvider(sp.ResourceName+"x", "github", oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).err, 404, 5)

	// Only project principals have providers.
	org := check(admin.createPrincipal("organization/"+srv.OrganizationID(), "org-deployer")).ok(t)
	msg = wantCode(t, check(admin.createProvider(org.ResourceName, "github", oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).err, 400, 3)
	if !strings.Contains(msg, "project service principals") {
		t.Fatalf("organization principal refusal %q", msg)
	}

	// Deleting the principal deletes its providers.
	check(admin.createProvider(sp.ResourceName, "again", oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).ok(t)
	if err := admin.deletePrincipal(sp.ResourceName); err != nil {
		t.Fatal(err)
	}
	again := check(admin.createPrincipal("project/"+srv.ProjectID(), "deployer")).ok(t)
	if list := check(admin.listProviders(again.ResourceName, 0, "")).ok(t); len(list.Providers) != 0 {
		t.Fatalf("a new principal of the same name inherited providers %+v", list.Providers)
	}
}

func TestWorkloadIdentityProviderValidation(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), "deployer")).ok(t)
	good := `jwt_claims.sub == "x"`
	cases := map[string]struct {
		name string
		p    *models.HashicorpCloudIamWorkloadIdentityProvider
		want string
	}{
		"bad name":           {"-x", oidcProvider(testIssuer, good), "workload identity provider name"},
		"short name":         {"ab", oidcProvider(testIssuer, good), "3 to 36"},
		"no provider":        {"ok-name", nil, "provider is required"},
		"no condition":       {"ok-name", oidcProvider(testIssuer, ""), "conditional_access is required"},
		"short condition":    {"ok-name", oidcProvider(testIssuer, "a==b"), "5 to 511"},
		"long condition":     {"ok-name", oidcProvider(testIssuer, `jwt_claims.sub == "`+strings.Repeat("x", 500)+`"`), "5 to 511"},
		"condition no parse": {"ok-name", oidcProvider(testIssuer, "jwt_claims.sub === oops"), "not a go-bexpr expression"},
		"neither config":     {"ok-name", &models.HashicorpCloudIamWorkloadIdentityProvider{ConditionalAccess: good}, "exactly one of oidc_config and aws_config"},
		"both configs": {"ok-name", &models.HashicorpCloudIamWorkloadIdentityProvider{ConditionalAccess: good,
			OidcConfig: oidcProvider(testIssuer, good).OidcConfig, AwsConfig: &models.HashicorpCloudIamAWSWorkloadIdentityProviderConfig{AccountID: "123456789012"}}, "exactly one"},
		"http issuer":       {"ok-name", oidcProvider("http://issuer.example", good), "oidc_config.issuer_uri"},
		"hostless issuer":   {"ok-name", oidcProvider("https://", good), "oidc_config.issuer_uri"},
		"empty audience":    {"ok-name", oidcProvider(testIssuer, good, ""), "allowed_audiences[0]"},
		"long audience":     {"ok-name", oidcProvider(testIssuer, good, strings.Repeat("a", 512)), "allowed_audiences[0]"},
		"too many audience": {"ok-name", oidcProvider(testIssuer, good, strings.Split(strings.Repeat("a,", 32)+"a", ",")...), "at most 32"},
		"aws account": {"ok-name", &models.HashicorpCloudIamWorkloadIdentityProvider{ConditionalAccess: good,
			AwsConfig: &models.HashicorpCloudIamAWSWorkloadIdentityProviderConfig{AccountID: "12345"}}, "aws_config.account_id"},
		"long description": {"ok-name", func() *models.HashicorpCloudIamWorkloadIdentityProvider {
			p := oidcProvider(testIssuer, good)
			p.Description = strings.Repeat("d", 256)
			return p
		}(), "description"},
	}
	for name, tc := range cases {
		msg := wantCode(t, check(admin.createProvider(sp.ResourceName, tc.name, tc.p)).err, 400, 3)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q does not contain %q", name, msg, tc.want)
		}
	}
	// Update follows the same rules.
	check(admin.createProvider(sp.ResourceName, "ok-name", oidcProvider(testIssuer, good))).ok(t)
	wantCode(t, check(admin.updateProvider(sp.ResourceName+"/workload-identity-provider/ok-name", oidcProvider("ftp://x", good))).err, 400, 3)
}

func TestWorkloadIdentityProvidersPerPrincipalAreBounded(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), "deployer")).ok(t)
	for i := range 50 {
		check(admin.createProvider(sp.ResourceName, fmt.Sprintf("wip-%02d", i), oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).ok(t)
	}
	msg := wantCode(t, check(admin.createProvider(sp.ResourceName, "wip-50", oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).err, 400, 9)
	if !strings.Contains(msg, "delete one") {
		t.Fatalf("bound message %q", msg)
	}
}

func TestOnlyAdminsManageWorkloadIdentityProviders(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), "deployer")).ok(t)
	p := check(admin.createProvider(sp.ResourceName, "github", oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).ok(t)
	for _, role := range []string{"viewer", "contributor"} {
		c := clientsFor(t, srv, role)
		check(c.getProvider(p.ResourceName)).ok(t)
		check(c.listProviders(sp.ResourceName, 0, "")).ok(t)
		msg := wantCode(t, check(c.createProvider(sp.ResourceName, "mine", oidcProvider(testIssuer, `jwt_claims.sub == "x"`))).err, 403, 7)
		if !strings.Contains(msg, "iam.workloadidentityproviders.create") || !strings.Contains(msg, "roles/admin") {
			t.Fatalf("%s: refusal %q", role, msg)
		}
		wantCode(t, check(c.updateProvider(p.ResourceName, oidcProvider(testIssuer, `jwt_claims.sub == "y"`))).err, 403, 7)
		wantCode(t, check(c.deleteProvider(p.ResourceName)).err, 403, 7)
	}
}

// testKey is an issuer's signing key.
type testKey struct {
	signer jose.Signer
	public []byte // the JWKS document of its public key
}

func newTestKey(t *testing.T, alg jose.SignatureAlgorithm, private, public any) *testKey {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: private, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: public, KeyID: "k1", Algorithm: string(alg), Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	return &testKey{signer: signer, public: doc}
}

func newECKey(t *testing.T) *testKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return newTestKey(t, jose.ES256, k, &k.PublicKey)
}

// sign issues a JWT with the standard claims and extra ones.
func (k *testKey) sign(t *testing.T, std jwt.Claims, extra map[string]any) string {
	t.Helper()
	tok, err := jwt.Signed(k.signer).Claims(std).Claims(extra).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// exchange runs hcp-sdk-go's workload identity provider against srv: the
// request is exactly what the SDK sends.
func exchange(t *testing.T, srv *localhcp.Server, resourceName, jwtToken string) (*oauth2.Token, error) {
	t.Helper()
	p, err := workload.New(&workload.IdentityProviderConfig{ProviderResourceName: resourceName, Token: &workload.CredentialTokenSource{Token: jwtToken}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetAPI(apiConfig(t, srv, nil))
	return p.Token()
}

func apiConfig(t testing.TB, srv *localhcp.Server, ts oauth2.TokenSource) config.HCPConfig {
	t.Helper()
	if ts == nil {
		ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "unused"})
	}
	cfg, err := config.NewHCPConfig(config.WithAPI(srv.Addr(), &tls.Config{InsecureSkipVerify: true}), config.WithTokenSource(ts), config.WithoutBrowserLogin())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// wantExchangeStatus checks the SDK's error for an exchange refused with
// an HTTP status, and answers the refusal's message.
func wantExchangeStatus(t *testing.T, err error, status, code int) string {
	t.Helper()
	if err == nil {
		t.Fatalf("exchange succeeded, want HTTP %d", status)
	}
	prefix := fmt.Sprintf("exchange token status code %d: ", status)
	_, body, ok := strings.Cut(err.Error(), prefix)
	if !ok {
		t.Fatalf("exchange error %q, want HTTP %d", err, status)
	}
	var st struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil || st.Code != code {
		t.Fatalf("exchange error body %q, want google.rpc.Status with code %d", body, code)
	}
	return st.Message
}

// wipFixture is a project principal with a contributor role on the
// project and an OIDC provider trusting key.
type wipFixture struct {
	srv   *localhcp.Server
	clock *clock
	admin *sdk
	sp    *models.HashicorpCloudIamServicePrincipal
	wip   string
	key   *testKey
	now   time.Time
}

func newWIPFixture(t *testing.T) *wipFixture {
	t.Helper()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clk := newClock(now)
	opts := adminOptions()
	opts.Now = clk.Now
	srv := startServer(t, opts)
	admin := clientsFor(t, srv, "admin")
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), "deployer")).ok(t)
	policy := check(admin.projectPolicy()).ok(t)
	check(admin.setProjectPolicy(grant("roles/contributor", sp.ID, policy.Etag))).ok(t)
	key := newECKey(t)
	if err := srv.TrustIssuer(testIssuer, key.public); err != nil {
		t.Fatal(err)
	}
	wip := check(admin.createProvider(sp.ResourceName, "github", oidcProvider(testIssuer, `jwt_claims.sub == "repo:app" and "deploy" in jwt_claims.groups`, "aud-1"))).ok(t)
	return &wipFixture{srv: srv, clock: clk, admin: admin, sp: sp, wip: wip.ResourceName, key: key, now: now}
}

// claims are a token's standard claims the fixture's provider accepts.
func (f *wipFixture) claims() jwt.Claims {
	return jwt.Claims{Issuer: testIssuer, Subject: "repo:app", Audience: jwt.Audience{"aud-1"},
		IssuedAt: jwt.NewNumericDate(f.now), Expiry: jwt.NewNumericDate(f.now.Add(5 * time.Minute))}
}

var deployGroups = map[string]any{"groups": []string{"build", "deploy"}}

func (f *wipFixture) clientsWithToken(t *testing.T, tok *oauth2.Token) *sdk {
	t.Helper()
	return clientsFromConfig(t, f.srv, apiConfig(t, f.srv, oauth2.StaticTokenSource(tok)))
}

func TestExchangeGivesAPrincipalTokenThroughTheSDK(t *testing.T) {
	t.Parallel()
	f := newWIPFixture(t)
	tok := check(exchange(t, f.srv, f.wip, f.key.sign(t, f.claims(), deployGroups))).ok(t)
	if tok.AccessToken == "" || time.Until(tok.Expiry) < 59*time.Minute {
		t.Fatalf("exchanged token %+v, want one valid for the token TTL", tok.Expiry)
	}
	c := f.clientsWithToken(t, tok)
	if me := check(c.callerID()).ok(t); me.ID != f.sp.ID {
		t.Fatalf("caller identity %+v, want the provider's principal %s", me, f.sp.ID)
	}
	// The principal's contributor role applies, and no more.
	check(c.createBucket("from-workload", "", nil)).ok(t)
	wantCode(t, check(c.createPrincipal("project/"+f.srv.ProjectID(), "nope")).err, 403, 7)

	// An empty allowed_audiences admits the provider's resource name.
	def := check(f.admin.createProvider(f.sp.ResourceName, "default-aud", oidcProvider(testIssuer, `jwt_claims.sub == "repo:app"`))).ok(t)
	std := f.claims()
	std.Audience = jwt.Audience{"other", def.ResourceName}
	check(exchange(t, f.srv, def.ResourceName, f.key.sign(t, std, nil))).ok(t)
	std.Audience = jwt.Audience{"aud-1"}
	msg := wantExchangeStatus(t, check(exchange(t, f.srv, def.ResourceName, f.key.sign(t, std, nil))).err, 401, 16)
	if !strings.Contains(msg, "audience") || !strings.Contains(msg, def.ResourceName) {
		t.Fatalf("default-audience refusal %q does not name the resource name as the allowed audience", msg)
	}
}

func TestExchangeRefusals(t *testing.T) {
	t.Parallel()
	f := newWIPFixture(t)
	good := f.claims()
	withClaims := func(change func(*jwt.Claims)) jwt.Claims {
		c := good
		change(&c)
		return c
	}
	untrusted := newECKey(t)
	hmacSigner, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(strings.Repeat("s", 32))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hmacToken, err := jwt.Signed(hmacSigner).Claims(good).Claims(deployGroups).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		wip, token   string
		status, code int
		want         []string
	}{
		"untrusted key":    {f.wip, untrusted.sign(t, good, deployGroups), 401, 16, []string{f.wip, "does not verify"}},
		"hmac":             {f.wip, hmacToken, 401, 16, []string{`"HS256" is not accepted`}},
		"other issuer":     {f.wip, f.key.sign(t, withClaims(func(c *jwt.Claims) { c.Issuer = "https://evil.example" }), deployGroups), 401, 16, []string{"issuer"}},
		"exp not a number": {f.wip, f.key.sign(t, withClaims(func(c *jwt.Claims) { c.Expiry = nil }), map[string]any{"exp": "tomorrow"}), 401, 16, []string{"claims cannot be read"}},
		"no exp":           {f.wip, f.key.sign(t, withClaims(func(c *jwt.Claims) { c.Expiry = nil }), deployGroups), 401, 16, []string{"no expiry"}},
		"not yet valid":    {f.wip, f.key.sign(t, withClaims(func(c *jwt.Claims) { c.NotBefore = jwt.NewNumericDate(f.now.Add(2 * time.Minute)) }), deployGroups), 401, 16, []string{"not valid before"}},
		"wrong audience":   {f.wip, f.key.sign(t, withClaims(func(c *jwt.Claims) { c.Audience = jwt.Audience{"aud-2"} }), deployGroups), 401, 16, []string{"audience", `["aud-2"]`, `["aud-1"]`}},
		"condition false":  {f.wip, f.key.sign(t, withClaims(func(c *jwt.Claims) { c.Subject = "repo:other" }), deployGroups), 403, 7, []string{f.wip, `jwt_claims.sub == \"repo:app\"`}},
		"claim missing":    {f.wip, f.key.sign(t, good, nil), 403, 7, []string{"conditional_access"}},
		"claim wrong type": {f.wip, f.key.sign(t, good, map[string]any{"groups": 7}), 403, 7, []string{"conditional_access"}},
		"not a jwt":        {f.wip, "not-a-jwt", 400, 3, []string{"not a JWT"}},
		"unknown wip":      {f.sp.ResourceName + "/workload-identity-provider/nope", f.key.sign(t, good, deployGroups), 404, 5, []string{"nope", "not found"}},
		"unknown principal": {"iam/project/" + f.srv.ProjectID() + "/service-principal/nobody/workload-identity-provider/x",
			f.key.sign(t, good, deployGroups), 404, 5, []string{"nobody"}},
	}
	for name, tc := range cases {
		msg := wantExchangeStatus(t, check(exchange(t, f.srv, tc.wip, tc.token)).err, tc.status, tc.code)
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q does not contain %q", name, msg, w)
			}
		}
		if strings.Contains(msg, tc.token) {
			t.Errorf("%s: message %q quotes the token", name, msg)
		}
	}

	// An issuer localhcp has no keys for.
	other := check(f.admin.createProvider(f.sp.ResourceName, "other", oidcProvider("https://unknown.example", `jwt_claims.sub == "x"`))).ok(t)
	msg := wantExchangeStatus(t, check(exchange(t, f.srv, other.ResourceName, f.key.sign(t, good, nil))).err, 412, 9)
	if !strings.Contains(msg, "--workload-identity FILE") || !strings.Contains(msg, other.ResourceName) {
		t.Fatalf("no-keys message %q does not say how to add keys", msg)
	}
	// AWS providers need AWS STS, which localhcp cannot call.
	aws := check(f.admin.createProvider(f.sp.ResourceName, "aws", &models.HashicorpCloudIamWorkloadIdentityProvider{ConditionalAccess: `aws.arn == "x"`,
		AwsConfig: &models.HashicorpCloudIamAWSWorkloadIdentityProviderConfig{AccountID: "123456789012"}})).ok(t)
	wantExchangeStatus(t, check(exchange(t, f.srv, aws.ResourceName, f.key.sign(t, good, nil))).err, 501, 12)
}

// The token's expiry is checked with a one-minute leeway on the server's
// clock: accepted up to exp+1m, refused after.
func TestExchangeExpiryLeeway(t *testing.T) {
	t.Parallel()
	f := newWIPFixture(t)
	tok := f.key.sign(t, f.claims(), deployGroups)
	f.clock.Advance(5*time.Minute + time.Minute)
	check(exchange(t, f.srv, f.wip, tok)).ok(t)
	f.clock.Advance(time.Second)
	msg := wantExchangeStatus(t, check(exchange(t, f.srv, f.wip, tok)).err, 401, 16)
	if !strings.Contains(msg, "expired at "+f.now.Add(5*time.Minute).Format(time.RFC3339)) {
		t.Fatalf("expiry message %q does not give the expiry", msg)
	}
}

func TestExchangedTokensAreRevokedWithTheirProviderOrPrincipal(t *testing.T) {
	t.Parallel()
	f := newWIPFixture(t)
	jwtToken := f.key.sign(t, f.claims(), deployGroups)
	viaWIP := f.clientsWithToken(t, check(exchange(t, f.srv, f.wip, jwtToken)).ok(t))
	check(viaWIP.callerID()).ok(t)
	check(f.admin.deleteProvider(f.wip)).ok(t)
	wantCode(t, check(viaWIP.callerID()).err, 401, 16)

	second := check(f.admin.createProvider(f.sp.ResourceName, "second", oidcProvider(testIssuer, `jwt_claims.sub == "repo:app"`, "aud-1"))).ok(t)
	viaSecond := f.clientsWithToken(t, check(exchange(t, f.srv, second.ResourceName, jwtToken)).ok(t))
	check(viaSecond.callerID()).ok(t)
	if err := f.admin.deletePrincipal(f.sp.ResourceName); err != nil {
		t.Fatal(err)
	}
	wantCode(t, check(viaSecond.callerID()).err, 401, 16)
	wantExchangeStatus(t, check(exchange(t, f.srv, second.ResourceName, jwtToken)).err, 404, 5)
}

// postExchange sends a raw exchange request, for bodies hcp-sdk-go would
// never send.
func postExchange(t testing.TB, srv *localhcp.Server, rn string, body []byte) (int, string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 10 * time.Second}
	resp, err := client.Post(srv.URL()+"/2019-12-10/"+rn+"/exchange-token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestExchangeBodies(t *testing.T) {
	t.Parallel()
	f := newWIPFixture(t)
	for body, want := range map[string]int{
		`not json`:               400,
		`{}`:                     400,
		`{"jwt_token": 5}`:       400,
		`{"jwt_token": "a.b.c"}`: 400,
		`{"aws_get_caller_id_token": {"method": "POST"}}`: 501,
	} {
		if status, answer := postExchange(t, f.srv, f.wip, []byte(body)); status != want || !strings.Contains(answer, f.wip) {
			t.Errorf("body %s: HTTP %d %s, want %d naming the provider", body, status, answer, want)
		}
	}
	big := []byte(`{"jwt_token": "` + strings.Repeat("a", 64<<10) + `"}`)
	if status, _ := postExchange(t, f.srv, f.wip, big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over 64 KiB: HTTP %d, want 413", status)
	}
}

func FuzzExchangeBody(f *testing.F) {
	srv, err := localhcp.Start(adminOptions())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	admin := clientsFor(f, srv, "admin")
	sp, err := admin.createPrincipal("project/"+srv.ProjectID(), "deployer")
	if err != nil {
		f.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err := srv.TrustIssuer(testIssuer, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})); err != nil {
		f.Fatal(err)
	}
	p := sps.NewServicePrincipalsServiceCreateWorkloadIdentityProviderParams()
	p.ParentResourceName, p.Body.Name, p.Body.Provider = sp.ResourceName, "github", oidcProvider(testIssuer, `jwt_claims.sub == "x" and jwt_claims.n == 3`)
	wip, err := admin.sps.ServicePrincipalsServiceCreateWorkloadIdentityProvider(p, nil)
	if err != nil {
		f.Fatal(err)
	}
	rn := wip.Payload.Provider.ResourceName
	for _, seed := range []string{
		`{"jwt_token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}`,
		`{"jwt_token": "eyJhbGciOiJFUzI1NiJ9.e30.AAAA"}`,
		`{"jwt_token": "e30.e30.e30"}`, `{"jwt_token": "..."}`, `[]`, `{"jwt_token": null}`, `{"aws_get_caller_id_token": null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if status, answer := postExchange(t, srv, rn, body); status >= 500 && status != http.StatusNotImplemented {
			t.Fatalf("body %q: HTTP %d %s", body, status, answer)
		}
	})
}

// Ed25519 and RSA keys given as PEM verify too.
func TestExchangeWithPEMKeys(t *testing.T) {
	t.Parallel()
	f := newWIPFixture(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.TrustIssuer(testIssuer, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})); err != nil {
		t.Fatal(err)
	}
	ed := newTestKey(t, jose.EdDSA, priv, pub)
	check(exchange(t, f.srv, f.wip, ed.sign(t, f.claims(), deployGroups))).ok(t)
	// TrustIssuer replaces the issuer's keys: the first key no longer verifies.
	wantExchangeStatus(t, check(exchange(t, f.srv, f.wip, f.key.sign(t, f.claims(), deployGroups))).err, 401, 16)

	for name, keys := range map[string]string{
		"garbage":     "hello",
		"private key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"empty set":   `{"keys": []}`,
		"symmetric":   `{"keys": [{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}`,
		"too big":     `{"keys": [], "x": "` + strings.Repeat("a", 256<<10) + `"}`,
	} {
		if err := f.srv.TrustIssuer(testIssuer, []byte(keys)); err == nil {
			t.Errorf("TrustIssuer accepted %s", name)
		}
	}
	if err := f.srv.TrustIssuer("http://insecure.example", ed.public); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Errorf("TrustIssuer of an http issuer: %v", err)
	}
}
