package client

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/config/geography"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
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
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return authEndpoint{}, fmt.Errorf("the HCP auth URL %q is invalid: it must be https://host[:port] (check %s)", base, envAuthURL)
	}
	u.Path = config.AuthEndpointTokenPath
	return authEndpoint{tokenURL: u.String(), tls: tlsConfig}, nil
}

// servicePrincipalTokens returns a token source for service-principal
// credentials that keeps its token in memory only.
//
// hcp-sdk-go's own source caches tokens in $HOME/.config/hcp/creds-cache.json
// keyed by client id alone and hands a cached token out without looking at
// the secret: a wrong or revoked client secret then keeps working for as
// long as someone's token for that client id is cached, and a token from
// another HCP (or another localhcp) is replayed. Fetching a token once per
// provider process costs one request and has none of these faults.
//
// Token requests go through the same transport as API requests, without a
// bearer token: each attempt is bounded by timeout, logged, and retried
// like a read.
func servicePrincipalTokens(ep authEndpoint, clientID, clientSecret string, timeout time.Duration) *memoryTokens {
	policy := defaultRetryPolicy()
	policy.replayAll = true
	return &memoryTokens{
		config: clientcredentials.Config{
			ClientID:       clientID,
			ClientSecret:   clientSecret,
			TokenURL:       ep.tokenURL,
			EndpointParams: url.Values{"audience": {config.APIAudienceID}},
			// HCP documents the credentials as form fields. Left to
			// guess, golang.org/x/oauth2 sends them as Basic auth first
			// and again as form fields after any failure, which doubles
			// every refusal and every timeout.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		http: &http.Client{Transport: &transport{
			base:           newBaseTransport(ep.tls),
			secrets:        []string{clientSecret},
			policy:         policy,
			attemptTimeout: timeout,
		}},
	}
}

// memoryTokens fetches a client-credentials token when it has no valid one,
// in the context of the request that needs it, so that the fetch is
// cancelled with that request and logged with its logger.
type memoryTokens struct {
	config clientcredentials.Config
	http   *http.Client

	mu    sync.Mutex
	token *oauth2.Token
}

// Token is TokenContext without a context, for the SDK's configuration.
func (m *memoryTokens) Token() (*oauth2.Token, error) { return m.TokenContext(context.Background()) }

// TokenContext returns the cached token, or fetches one within ctx.
func (m *memoryTokens) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.token.Valid() {
		return m.token, nil
	}
	token, err := m.config.Token(context.WithValue(ctx, oauth2.HTTPClient, m.http))
	if err != nil {
		return nil, err
	}
	m.token = token
	return token, nil
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
