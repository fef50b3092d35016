package publish

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-openapi/runtime"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"
	"github.com/hashicorp/hcp-sdk-go/profile"
	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/hcptoken"
)

// Runtime builds the transport publish sends its calls through, from the
// settings the HCP_* variables resolve to. `localhcp publish` passes
// internal/client's, so that it retries exactly as the provider does; this
// package cannot import that one itself, since the client's tests seed
// localhcp through this package.
type Runtime func(apiAddress string, apiTLS *tls.Config, tokens oauth2.TokenSource, clientSecret string) runtime.ClientTransport

// tokenTimeout bounds one token request, so that an auth endpoint that
// never answers fails the publish instead of hanging it.
const tokenTimeout = time.Minute

// Defaults of hcp-sdk-go for the US geography, used when the environment
// does not redirect the SDK.
const (
	defaultAuthURL    = "https://auth.idp.hashicorp.com"
	defaultAPIAddress = "api.cloud.hashicorp.com:443"
)

// sdkEnv is the subset of HCP_* variables hcp-sdk-go's config.FromEnv reads
// that publishing needs, taken from an explicit list instead of the
// process environment.
type sdkEnv struct {
	clientID, clientSecret string
	authURL                string
	authTLS                *tls.Config
	apiAddress             string
	apiTLS                 *tls.Config
	organizationID         string
	projectID              string
}

// parseEnv reads "KEY=value" entries with the meanings config.FromEnv
// gives them (CONTRACT.md §1.3).
func parseEnv(entries []string) (*sdkEnv, error) {
	vars := map[string]string{}
	for _, e := range entries {
		if k, v, ok := strings.Cut(e, "="); ok {
			vars[k] = v
		}
	}
	env := &sdkEnv{
		clientID: vars["HCP_CLIENT_ID"], clientSecret: vars["HCP_CLIENT_SECRET"],
		authURL: defaultAuthURL, authTLS: &tls.Config{}, apiAddress: defaultAPIAddress, apiTLS: &tls.Config{},
		organizationID: vars["HCP_ORGANIZATION_ID"], projectID: vars["HCP_PROJECT_ID"],
	}
	if env.clientID == "" || env.clientSecret == "" {
		return nil, fmt.Errorf("HCP_CLIENT_ID and HCP_CLIENT_SECRET must both be set: for localhcp run `eval \"$(localhcp env)\"`")
	}
	if v, ok := vars["HCP_AUTH_URL"]; ok {
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("HCP_AUTH_URL %q must be an https URL such as https://127.0.0.1:8443", v)
		}
		// The SDK keeps only scheme and host: the token path is fixed.
		env.authURL = u.Scheme + "://" + u.Host
	}
	if v, ok := vars["HCP_API_ADDRESS"]; ok {
		env.apiAddress = v
	}
	if v, ok := vars["HCP_API_HOST"]; ok {
		if strings.HasPrefix(strings.ToLower(v), "https://") {
			v = v[len("https://"):]
		}
		env.apiAddress = v
	}
	var err error
	if v, ok := vars["HCP_API_TLS"]; ok {
		if env.apiTLS, err = tlsSetting("HCP_API_TLS", v); err != nil {
			return nil, err
		}
	}
	if v, ok := vars["HCP_AUTH_TLS"]; ok {
		if env.authTLS, err = tlsSetting("HCP_AUTH_TLS", v); err != nil {
			return nil, err
		}
		if env.authTLS == nil {
			// "disabled" means default verification for auth, never plain HTTP.
			env.authTLS = &tls.Config{}
		}
	}
	return env, nil
}

func tlsSetting(name, v string) (*tls.Config, error) {
	switch v {
	case "insecure":
		return &tls.Config{InsecureSkipVerify: true}, nil //nolint:gosec // the user asked for it, as with hcp-sdk-go
	case "disabled":
		return nil, nil
	default:
		return nil, fmt.Errorf("%s %q is invalid: use insecure or disabled, or leave it unset", name, v)
	}
}

// transport builds the SDK runtime with newRuntime, or hcp-sdk-go's own,
// which sends every call once, when newRuntime is nil. Tokens come from an
// in-memory client-credentials source rather than the SDK's cache under
// $HOME, so publishing never reads or writes a token file shared with other
// tools.
func (e *sdkEnv) transport(ctx context.Context, newRuntime Runtime) (runtime.ClientTransport, error) {
	tokenURL, err := hcptoken.TokenURL(e.authURL)
	if err != nil {
		return nil, fmt.Errorf("HCP_AUTH_URL %q: %w", e.authURL, err)
	}
	tokens := hcptoken.NewSource(hcptoken.Config(tokenURL, e.clientID, e.clientSecret), &http.Client{
		Transport: &http.Transport{TLSClientConfig: e.authTLS, Proxy: http.ProxyFromEnvironment},
		Timeout:   tokenTimeout,
	})
	if newRuntime != nil {
		return newRuntime(e.apiAddress, e.apiTLS, tokens, e.clientSecret), nil
	}
	opts := []config.HCPConfigOption{
		config.WithClientCredentials(e.clientID, e.clientSecret),
		config.WithAuth(e.authURL, e.authTLS),
		config.WithAPI(e.apiAddress, e.apiTLS),
		config.WithTokenSource(tokensWithin{ctx: ctx, tokens: tokens}),
		config.WithoutBrowserLogin(),
	}
	if e.organizationID != "" && e.projectID != "" {
		opts = append(opts, config.WithProfile(&profile.UserProfile{OrganizationID: e.organizationID, ProjectID: e.projectID}))
	}
	cfg, err := config.NewHCPConfig(opts...)
	if err != nil {
		return nil, fmt.Errorf("configure the HCP client: %w", err)
	}
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg, SourceChannel: "localhcp-publish"})
	if err != nil {
		return nil, fmt.Errorf("create the HCP client: %w", err)
	}
	return rt, nil
}

// tokensWithin fetches tokens within ctx for hcp-sdk-go's runtime, which
// asks for them without a context, so that a cancelled publish stops its
// token request too.
type tokensWithin struct {
	ctx    context.Context
	tokens *hcptoken.Source
}

func (t tokensWithin) Token() (*oauth2.Token, error) { return t.tokens.TokenContext(t.ctx) }

func environ(env []string) []string {
	if env == nil {
		return os.Environ()
	}
	return env
}
