package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func TestAuthEndpointFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		env          map[string]string
		wantURL      string
		wantTLS      string // "default", "insecure" or "nil"
		wantErrMatch string
	}{
		{name: "HCP in the US by default", wantURL: "https://auth.idp.hashicorp.com/oauth2/token", wantTLS: "default"},
		{name: "the EU geography", env: map[string]string{"HCP_GEOGRAPHY": "eu"}, wantURL: "https://auth.idp.eu.hashicorp.com/oauth2/token", wantTLS: "default"},
		{
			name:    "HCP_AUTH_URL wins and its path is discarded",
			env:     map[string]string{"HCP_GEOGRAPHY": "eu", "HCP_AUTH_URL": "https://127.0.0.1:8443/some/path", "HCP_AUTH_TLS": "insecure"},
			wantURL: "https://127.0.0.1:8443/oauth2/token", wantTLS: "insecure",
		},
		{
			name:    "HCP_AUTH_TLS=disabled still verifies, with Go's defaults",
			env:     map[string]string{"HCP_AUTH_URL": "https://auth.example.com", "HCP_AUTH_TLS": "disabled"},
			wantURL: "https://auth.example.com/oauth2/token", wantTLS: "nil",
		},
		{name: "an unknown geography", env: map[string]string{"HCP_GEOGRAPHY": "mars"}, wantErrMatch: "HCP_GEOGRAPHY"},
		{name: "an unknown TLS setting", env: map[string]string{"HCP_AUTH_TLS": "false"}, wantErrMatch: "HCP_AUTH_TLS"},
		{name: "plain HTTP", env: map[string]string{"HCP_AUTH_URL": "http://127.0.0.1:8080"}, wantErrMatch: "https://host"},
		{name: "an address without a scheme", env: map[string]string{"HCP_AUTH_URL": "127.0.0.1:8443"}, wantErrMatch: "https://host"},
		{name: "a host name without a scheme", env: map[string]string{"HCP_AUTH_URL": "localhost:8443"}, wantErrMatch: "https://host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			ep, err := authEndpointFromEnv(env)
			if tt.wantErrMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrMatch) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErrMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gotTLS := "default"
			switch {
			case ep.tls == nil:
				gotTLS = "nil"
			case ep.tls.InsecureSkipVerify:
				gotTLS = "insecure"
			}
			if ep.tokenURL != tt.wantURL || gotTLS != tt.wantTLS {
				t.Errorf("got %s with %s TLS, want %s with %s TLS", ep.tokenURL, gotTLS, tt.wantURL, tt.wantTLS)
			}
		})
	}
}

// TestLocalHCPWrongSecretIsRefusedDespiteACachedToken checks that New checks
// the client secret itself: hcp-sdk-go's on-disk token cache is keyed by
// client id alone, and a token another program (Packer, the official
// provider) cached there must not let a wrong secret through.
func TestLocalHCPWrongSecretIsRefusedDespiteACachedToken(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{})
	useEnv(t, srv.Env("contributor"))
	ctx := context.Background()
	p := srv.Principal("contributor")

	// Another hcp-sdk-go program of the same user caches a valid token.
	sdk, err := config.NewHCPConfig(config.FromEnv(), config.WithoutBrowserLogin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.Token(); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(os.Getenv("HOME"), ".config", "hcp", "creds-cache.json")
	if raw, err := os.ReadFile(cache); err != nil || !strings.Contains(string(raw), p.ClientID) {
		t.Fatalf("the SDK did not cache a token for %s in %s: %v", p.ClientID, cache, err)
	}

	_, _, err = New(ctx, Config{ClientID: p.ClientID, ClientSecret: "not-" + p.ClientSecret})
	if CodeOf(err) != codes.Unauthenticated || !strings.Contains(MessageOf(err), "rejected the credentials") {
		t.Fatalf("New with a wrong secret = %v; want the credentials rejected", err)
	}
	if strings.Contains(err.Error(), p.ClientSecret) {
		t.Fatal("the error quotes the client secret")
	}

	c, _, err := New(ctx, Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret})
	if err != nil {
		t.Fatalf("New with the right secret: %v", err)
	}
	if _, err := c.ListBuckets(ctx, c.Location()); err != nil {
		t.Fatalf("ListBuckets with the right secret: %v", err)
	}
}

// TestLocalHCPTokensStayInMemory checks that the client leaves no token on
// disk, where another HCP's client with the same id would replay it.
func TestLocalHCPTokensStayInMemory(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{})
	useEnv(t, srv.Env("viewer"))
	ctx := context.Background()

	c, _, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListBuckets(ctx, c.Location()); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(os.Getenv("HOME"), ".config", "hcp", "creds-cache.json")
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Fatalf("the client wrote the SDK's token cache %s (stat: %v)", cache, err)
	}
}

// TestLocalHCPShortWrongSecretLeavesTheServerMessageWhole checks that
// masking hides a secret's value, not the words of a message that happen to
// spell it: a secret of "wrong" must not turn localhcp's "wrong client
// secret" into "*** client secret".
func TestLocalHCPShortWrongSecretLeavesTheServerMessageWhole(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{})
	useEnv(t, srv.Env("contributor"))
	p := srv.Principal("contributor")

	_, _, err := New(context.Background(), Config{ClientID: p.ClientID, ClientSecret: "wrong"})
	if CodeOf(err) != codes.Unauthenticated {
		t.Fatalf("New with a wrong secret = %v; want the credentials rejected", err)
	}
	if msg := MessageOf(err); !strings.Contains(msg, "wrong client secret") || strings.Contains(msg, "***") {
		t.Errorf("error %q garbles the server's message", msg)
	}
}

// tokenEndpointInFront serves the fake's routes behind a token endpoint
// that answers the first failures token requests with tokenStep and the
// others as the fake does, and points HCP_AUTH_URL at it.
func tokenEndpointInFront(t *testing.T, f *fakeHCP, failures int, tokenStep http.HandlerFunc) *atomic.Int32 {
	t.Helper()
	var tokenCalls atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/token" && tokenCalls.Add(1) <= int32(failures) {
			tokenStep(w, r)
			return
		}
		f.serve(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("HCP_AUTH_URL", srv.URL)
	return &tokenCalls
}

// TestNewBoundsATokenEndpointThatNeverAnswers checks that a silent token
// endpoint fails configure after the request timeout, with the setting to
// raise, instead of holding the run.
func TestNewBoundsATokenEndpointThatNeverAnswers(t *testing.T) {
	f := newFakeHCP(t)
	seedTwoOrgs(f)
	f.setEnv(t)
	t.Setenv("HCP_REQUEST_TIMEOUT", "500ms")
	calls := tokenEndpointInFront(t, f, 1, func(_ http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})

	start := time.Now()
	_, _, err := New(context.Background(), Config{ClientID: f.clientID, ClientSecret: f.clientSecret, ProjectID: projB})
	if CodeOf(err) != codes.DeadlineExceeded {
		t.Fatalf("New = %v, want DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("New took %v, want about one 500ms timeout", elapsed)
	}
	if got := calls.Load(); got > 1 {
		t.Errorf("token requests = %d, want 1: a timed-out attempt is not sent again", got)
	}
	for _, want := range []string{"token endpoint", "500ms", "request_timeout", "HCP_AUTH_URL"} {
		if !strings.Contains(MessageOf(err), want) {
			t.Errorf("error %q does not contain %q", MessageOf(err), want)
		}
	}
}

// TestNewRetriesTheTokenEndpointAndLogsIt checks that an overloaded token
// endpoint is retried like an API read, with a log line for the retry.
func TestNewRetriesTheTokenEndpointAndLogsIt(t *testing.T) {
	f := newFakeHCP(t)
	seedTwoOrgs(f)
	f.setEnv(t)
	calls := tokenEndpointInFront(t, f, 1, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	var out syncBuffer
	ctx := tflogtest.RootLogger(context.Background(), &out)

	if _, _, err := New(ctx, Config{ClientID: f.clientID, ClientSecret: f.clientSecret, ProjectID: projB}); err != nil {
		t.Fatalf("New: %v", err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("token requests = %d, want 2", got)
	}
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	var sawRetry bool
	for _, e := range entries {
		if e["@message"] == "Retrying HCP API request" && e["http_path"] == "/oauth2/token" && e["@level"] == "warn" {
			sawRetry = true
		}
	}
	if !sawRetry {
		t.Errorf("no warn-level retry line for /oauth2/token in the log:\n%s", out.String())
	}
	if strings.Contains(out.String(), f.clientSecret) {
		t.Error("the log contains the client secret")
	}
}

func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		configured time.Duration
		env        map[string]string
		want       time.Duration
		wantErr    bool
	}{
		{name: "default", want: defaultRequestTimeout},
		{name: "empty variable counts as unset", env: map[string]string{envRequestTimeout: ""}, want: defaultRequestTimeout},
		{name: "from the environment", env: map[string]string{envRequestTimeout: "2m"}, want: 2 * time.Minute},
		{name: "configured wins", configured: 5 * time.Second, env: map[string]string{envRequestTimeout: "2m"}, want: 5 * time.Second},
		{name: "not a duration", env: map[string]string{envRequestTimeout: "30"}, wantErr: true},
		{name: "negative", env: map[string]string{envRequestTimeout: "-1s"}, wantErr: true},
		{name: "beyond the maximum", env: map[string]string{envRequestTimeout: "2h"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := requestTimeout(tt.configured, func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), envRequestTimeout) {
					t.Fatalf("err = %v, want one naming %s", err, envRequestTimeout)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("requestTimeout = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestNewReadsAFormEncodedTokenRefusal checks that a token endpoint's
// refusal reaches the user as OAuth2 states it, whatever its encoding: the
// rewriting of foreign error bodies is for API answers only.
func TestNewReadsAFormEncodedTokenRefusal(t *testing.T) {
	f := newFakeHCP(t)
	seedTwoOrgs(f)
	f.setEnv(t)
	tokenEndpointInFront(t, f, 1, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, "error=invalid_client&error_description=client+disabled")
	})

	_, _, err := New(context.Background(), Config{ClientID: f.clientID, ClientSecret: f.clientSecret, ProjectID: projB})
	if CodeOf(err) != codes.Unauthenticated || !strings.Contains(MessageOf(err), "invalid_client: client disabled") {
		t.Fatalf("New = %v; want the refusal with its OAuth2 error and description", err)
	}
}
