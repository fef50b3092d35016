package localhcp_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"
	"github.com/hashicorp/hcp-sdk-go/profile"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func insecureContext() context.Context {
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	return context.WithValue(context.Background(), oauth2.HTTPClient, client)
}

func tokenConfig(srv *localhcp.Server, p localhcp.Principal, style oauth2.AuthStyle) clientcredentials.Config {
	return clientcredentials.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, TokenURL: srv.URL() + "/oauth2/token",
		EndpointParams: url.Values{"audience": {config.APIAudienceID}}, AuthStyle: style,
	}
}

// packerWithTokens builds a Packer client whose tokens come from ts instead
// of the SDK's credential flow, to present chosen tokens.
func packerWithTokens(t *testing.T, srv *localhcp.Server, ts oauth2.TokenSource) packer_service.ClientService {
	t.Helper()
	insecure := &tls.Config{InsecureSkipVerify: true}
	cfg, err := config.NewHCPConfig(
		config.WithTokenSource(ts),
		config.WithAuth(srv.URL(), insecure),
		config.WithAPI(srv.Addr(), insecure),
		config.WithProfile(&profile.UserProfile{OrganizationID: srv.OrganizationID(), ProjectID: srv.ProjectID()}),
		config.WithoutBrowserLogin(),
	)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return packer_service.New(rt, nil)
}

func listBucketsWith(api packer_service.ClientService, srv *localhcp.Server) error {
	p := packer_service.NewPackerServiceListBucketsParams()
	p.LocationOrganizationID, p.LocationProjectID = srv.OrganizationID(), srv.ProjectID()
	_, err := api.PackerServiceListBuckets(p, nil)
	return err
}

func TestTokenEndpointAcceptsBothClientAuthStyles(t *testing.T) {
	t.Parallel()
	// Characters that query-escaping changes prove the Basic parts are
	// unescaped.
	srv := startServer(t, localhcp.Options{Principals: []localhcp.Principal{
		{Name: "odd", Role: "contributor", ClientID: "localhcp-odd id+1", ClientSecret: "s3cr:t/+=&%?"},
	}})
	p := srv.Principal("contributor")
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := tokenConfig(srv, p, style)
		tok, err := cc.Token(insecureContext())
		if err != nil {
			t.Fatalf("style %d: %v", style, err)
		}
		if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "bearer") {
			t.Fatalf("style %d: token %+v", style, tok)
		}
		if ttl := time.Until(tok.Expiry); ttl < 59*time.Minute || ttl > 61*time.Minute {
			t.Fatalf("style %d: expires in %s, want about 1h (expires_in missing?)", style, ttl)
		}
		if err := listBucketsWith(packerWithTokens(t, srv, oauth2.StaticTokenSource(tok)), srv); err != nil {
			t.Fatalf("style %d: API call with the token: %v", style, err)
		}
	}
	// The SDK's own flow (Basic first, then form) works too.
	c := clientsFor(t, srv, "contributor")
	if _, err := c.listBuckets(0, ""); err != nil {
		t.Fatalf("SDK flow: %v", err)
	}
}

func TestTokenEndpointRejectsWrongCredentials(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	p := srv.Principal("contributor")
	p.ClientSecret = "wrong"
	cc := tokenConfig(srv, p, oauth2.AuthStyleAutoDetect)
	_, err := cc.Token(insecureContext())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != http.StatusUnauthorized || re.ErrorCode != "invalid_client" {
		t.Fatalf("err = %v, want 401 invalid_client", err)
	}
}

func TestBearerTokenRequiredAndChecked(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	unknown := &oauth2.Token{AccessToken: "not-a-token", TokenType: "Bearer"}
	msg := wantCode(t, listBucketsWith(packerWithTokens(t, srv, oauth2.StaticTokenSource(unknown)), srv), 401, 16)
	if !strings.Contains(msg, "unknown access token") {
		t.Errorf("message %q", msg)
	}
	// No Authorization header at all.
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Get(srv.URL() + "/packer/2023-01-01/organizations/" + srv.OrganizationID() + "/projects/" + srv.ProjectID() + "/buckets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("no token: HTTP %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestTokensExpireOnTheServerClock(t *testing.T) {
	t.Parallel()
	clk := newClock(epoch)
	srv := startServer(t, localhcp.Options{Now: clk.Now, TokenTTL: 10 * time.Minute})
	cc := tokenConfig(srv, srv.Principal("viewer"), oauth2.AuthStyleInHeader)
	tok, err := cc.Token(insecureContext())
	if err != nil {
		t.Fatal(err)
	}
	api := packerWithTokens(t, srv, oauth2.StaticTokenSource(tok))
	if err := listBucketsWith(api, srv); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	clk.Advance(9 * time.Minute)
	if err := listBucketsWith(api, srv); err != nil {
		t.Fatalf("token before expiry: %v", err)
	}
	clk.Advance(time.Minute)
	msg := wantCode(t, listBucketsWith(api, srv), 401, 16)
	if !strings.Contains(msg, "expired") {
		t.Fatalf("message %q does not say the token expired", msg)
	}
	fresh, err := cc.Token(insecureContext())
	if err != nil {
		t.Fatal(err)
	}
	if err := listBucketsWith(packerWithTokens(t, srv, oauth2.StaticTokenSource(fresh)), srv); err != nil {
		t.Fatalf("new token: %v", err)
	}
}

func TestViewerMayReadButNotWrite(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	contributor := clientsFor(t, srv, "contributor")
	check(contributor.createBucket("shared", "", nil)).ok(t)
	check(contributor.createChannel("shared", "stable", "", false)).ok(t)

	viewer := clientsFor(t, srv, "viewer")
	check(viewer.getBucket("shared")).ok(t)
	check(viewer.listChannels("shared")).ok(t)
	check(viewer.history("shared", "stable", 0, "")).ok(t)

	msg := wantCode(t, check(viewer.assignChannel("shared", "stable", "")).err, 403, 7)
	if want := `principal "viewer" (role viewer) may not packer.channels.update`; !strings.HasPrefix(msg, want) {
		t.Fatalf("message %q does not start with %q", msg, want)
	}
	writes := map[string]error{
		"create bucket":  check(viewer.createBucket("mine", "", nil)).err,
		"delete bucket":  viewer.deleteBucket("shared"),
		"create version": check(viewer.createVersion("shared", "fp")).err,
		"delete channel": viewer.deleteChannel("shared", "stable"),
	}
	for name, err := range writes {
		t.Run(name, func(t *testing.T) { wantCode(t, err, 403, 7) })
	}
}

func TestAdminRoleAndPrincipalValidation(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{Principals: []localhcp.Principal{{Name: "boss", Role: "admin"}}})
	admin := srv.Principal("admin")
	if admin.ClientID == "" || admin.ClientSecret == "" || admin.ID == "" {
		t.Fatalf("admin principal not completed: %+v", admin)
	}
	check(clientsFor(t, srv, "admin").createBucket("admin-made", "", nil)).ok(t)
	if env := srv.Env("viewer"); strings.Contains(strings.Join(env, " "), "HCP_CLIENT_ID") {
		t.Fatalf("Env for a missing role carries credentials: %v", env)
	}

	for _, bad := range [][]localhcp.Principal{
		{{Name: "x", Role: "owner"}},
		{{Name: "a", Role: "viewer", ClientID: "same"}, {Name: "b", Role: "viewer", ClientID: "same"}},
	} {
		if s, err := localhcp.Start(localhcp.Options{Principals: bad}); err == nil {
			s.Close()
			t.Fatalf("Start accepted principals %+v", bad)
		}
	}
}

func TestTokenEndpointRequestErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	p := srv.Principal("contributor")
	cases := []struct {
		name   string
		method string
		form   url.Values
		status int
		code   string
	}{
		{"wrong grant", http.MethodPost, url.Values{"grant_type": {"password"}, "client_id": {p.ClientID}, "client_secret": {p.ClientSecret}}, 400, "unsupported_grant_type"},
		{"no credentials", http.MethodPost, url.Values{"grant_type": {"client_credentials"}}, 401, "invalid_client"},
		{"GET", http.MethodGet, nil, 405, "invalid_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL()+"/oauth2/token", strings.NewReader(tc.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]string
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			if resp.StatusCode != tc.status || body["error"] != tc.code || body["error_description"] == "" {
				t.Fatalf("HTTP %d %v, want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}
}

// TestTokenEndpointRefusesALargeBodyAsTooLarge: a body over the bound is
// named as too large (413, in the token endpoint's error shape), not as a
// malformed form.
func TestTokenEndpointRefusesALargeBodyAsTooLarge(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	body := "grant_type=client_credentials&padding=" + strings.Repeat("x", 2<<20)
	resp, err := client.Post(srv.URL()+"/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge || answer["error"] != "invalid_request" || !strings.Contains(answer["error_description"], "larger than 65536 bytes") {
		t.Fatalf("HTTP %d %v, want 413 invalid_request naming the limit", resp.StatusCode, answer)
	}
}
