// Package hcptoken exchanges HCP service-principal credentials for access
// tokens: the one token fetcher of the provider's client, `localhcp
// publish` and the test harness. It imports nothing of this module, so any
// package of it can use it without an import cycle.
package hcptoken

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"

	"github.com/hashicorp/hcp-sdk-go/config"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TokenURL is the token endpoint of the auth server at authURL. As in
// hcp-sdk-go, only the scheme and host of authURL count: the path is the
// SDK's token path (CONTRACT.md §1.3).
func TokenURL(authURL string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", errors.New("the HCP auth URL must be https://host[:port]")
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: config.AuthEndpointTokenPath}).String(), nil
}

// Config is the client-credentials grant of clientID and clientSecret at
// tokenURL, for HCP's API audience.
func Config(tokenURL, clientID, clientSecret string) clientcredentials.Config {
	return clientcredentials.Config{
		ClientID:       clientID,
		ClientSecret:   clientSecret,
		TokenURL:       tokenURL,
		EndpointParams: url.Values{"audience": {config.APIAudienceID}},
		// HCP documents the credentials as form fields. Left to guess,
		// golang.org/x/oauth2 sends them as Basic auth first and again as
		// form fields after any failure, which doubles every refusal and
		// every timeout.
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// Fetch obtains one access token for clientID and clientSecret from the
// auth server at authURL, sending the request with httpClient.
func Fetch(ctx context.Context, httpClient *http.Client, authURL, clientID, clientSecret string) (*oauth2.Token, error) {
	tokenURL, err := TokenURL(authURL)
	if err != nil {
		return nil, err
	}
	cfg := Config(tokenURL, clientID, clientSecret)
	return cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, httpClient))
}

// Source is a token source that keeps its token in memory only and fetches
// a new one, when it has no valid one, in the context of the request that
// needs it, so that the fetch is cancelled with that request and logged
// with its logger.
//
// hcp-sdk-go's own source caches tokens in $HOME/.config/hcp/creds-cache.json
// keyed by client id alone and hands a cached token out without looking at
// the secret: a wrong or revoked client secret then keeps working for as
// long as someone's token for that client id is cached, and a token from
// another HCP (or another localhcp) is replayed. Fetching a token once per
// process costs one request and has none of these faults.
type Source struct {
	config clientcredentials.Config
	http   *http.Client

	mu    sync.Mutex
	token *oauth2.Token
}

// NewSource returns a Source for cfg that sends its requests with
// httpClient.
func NewSource(cfg clientcredentials.Config, httpClient *http.Client) *Source {
	return &Source{config: cfg, http: httpClient}
}

// Token is TokenContext without a context, for oauth2.TokenSource.
func (s *Source) Token() (*oauth2.Token, error) { return s.TokenContext(context.Background()) }

// TokenContext returns the cached token, or fetches one within ctx.
func (s *Source) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token.Valid() {
		return s.token, nil
	}
	token, err := s.config.Token(context.WithValue(ctx, oauth2.HTTPClient, s.http))
	if err != nil {
		return nil, err
	}
	s.token = token
	return token, nil
}
