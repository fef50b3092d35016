package client

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/config"
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
