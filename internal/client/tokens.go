package client

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/hcp-sdk-go/config/geography"
	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/hcptoken"
)

// Environment variables that locate HCP's token endpoint, read as
// hcp-sdk-go's config.FromEnv reads them.
const (
	envAuthURL   = "HCP_AUTH_URL"
	envAuthTLS   = "HCP_AUTH_TLS"
	envGeography = "HCP_GEOGRAPHY"
)

// authEndpoint is where service-principal credentials are exchanged for
// access tokens.
type authEndpoint struct {
	tokenURL string
	// tls is the token request's TLS configuration; nil means Go's default
	// verification (HCP_AUTH_TLS=disabled: the auth endpoint is always
	// HTTPS).
	tls *tls.Config
}

// authEndpointFromEnv resolves the token endpoint exactly as hcp-sdk-go
// does, which keeps its resolved auth URL private: the geography's auth URL
// (HCP_GEOGRAPHY, default us), replaced by HCP_AUTH_URL, whose path is
// discarded for /oauth2/token; HCP_AUTH_TLS=insecure skips verification.
func authEndpointFromEnv(env lookupEnv) (authEndpoint, error) {
	base := geography.NewConfigUS().AuthURL
	if geo, ok := env(envGeography); ok {
		switch geography.Geo(geo) {
		case geography.US:
		case geography.EU:
			base = geography.NewConfigEU().AuthURL
		default:
			return authEndpoint{}, fmt.Errorf("%s=%q is not an HCP geography: use us or eu", envGeography, geo)
		}
	}
	tlsConfig := &tls.Config{}
	if u, ok := env(envAuthURL); ok {
		base = u
	}
	if setting, ok := env(envAuthTLS); ok {
		switch setting {
		case "disabled":
			tlsConfig = nil
		case "insecure":
			tlsConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for it with HCP_AUTH_TLS=insecure
		default:
			return authEndpoint{}, fmt.Errorf("%s=%q is invalid: use insecure or disabled, or leave it unset", envAuthTLS, setting)
		}
	}
	tokenURL, err := hcptoken.TokenURL(base)
	if err != nil {
		return authEndpoint{}, fmt.Errorf("the HCP auth URL %q is invalid: it must be https://host[:port] (check %s)", base, envAuthURL)
	}
	return authEndpoint{tokenURL: tokenURL, tls: tlsConfig}, nil
}

// servicePrincipalTokens returns a token source for service-principal
// credentials that keeps its token in memory only (see hcptoken.Source).
// Token requests go through the same transport as API requests, without a
// bearer token: each attempt is bounded by timeout, logged, and retried
// like a read.
func servicePrincipalTokens(ep authEndpoint, clientID, clientSecret string, timeout time.Duration) *hcptoken.Source {
	policy := defaultRetryPolicy()
	policy.replayAll = true
	return hcptoken.NewSource(hcptoken.Config(ep.tokenURL, clientID, clientSecret), &http.Client{Transport: &transport{
		base:           newBaseTransport(ep.tls),
		secrets:        []string{clientSecret},
		policy:         policy,
		attemptTimeout: timeout,
	}})
}

// contextTokenSource is a token source that can fetch within a context.
type contextTokenSource interface {
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// tokenFor returns a token from tokens, fetched within ctx when the source
// allows it.
func tokenFor(ctx context.Context, tokens oauth2.TokenSource) (*oauth2.Token, error) {
	if c, ok := tokens.(contextTokenSource); ok {
		return c.TokenContext(ctx)
	}
	return tokens.Token()
}
