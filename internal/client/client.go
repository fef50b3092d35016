package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	httptransport "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"
	"github.com/hashicorp/hcp-sdk-go/auth/workload"
	iamservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	packerservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	organizationservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	projectservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	resourceservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/resource_service"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/profile"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
)

// Client is the API implementation backed by hcp-sdk-go. Apart from the
// immutable project → organization cache it holds no per-call state, so one
// Client serves concurrent calls and can sit under a caching decorator.
type Client struct {
	packer        packerservice.ClientService
	projects      projectservice.ClientService
	organizations organizationservice.ClientService
	resources     resourceservice.ClientService
	iam           iamservice.ClientService

	location Location

	// projectOrgs caches the parent organization of projects other than
	// the default one (project ID → organization ID); a project never
	// moves between organizations.
	mu          sync.Mutex
	projectOrgs map[string]string
}

var _ API = (*Client)(nil)

// New builds the SDK config, fetches a token once to validate the
// credentials, and resolves the default organization and project. warnings
// are for the user (e.g. several projects: the oldest was chosen).
func New(ctx context.Context, cfg Config) (c *Client, warnings []string, err error) {
	creds, err := chooseCredentials(cfg, os.LookupEnv)
	if err != nil {
		return nil, nil, setupErr(creds, describe(nil, codes.InvalidArgument, "%s", err))
	}

	timeout, err := requestTimeout(cfg.RequestTimeout, os.LookupEnv)
	if err != nil {
		return nil, nil, setupErr(creds, describe(nil, codes.InvalidArgument, "%s", err))
	}
	hcpConfig, tokens, err := newHCPConfig(creds, timeout)
	if err != nil {
		return nil, nil, setupErr(creds, describe(nil, codes.InvalidArgument, "invalid HCP client configuration: %s; check the HCP_* environment variables", err))
	}
	if err := checkAPIAddress(hcpConfig.APIAddress()); err != nil {
		return nil, nil, setupErr(creds, describe(nil, codes.InvalidArgument, "%s", err))
	}
	if err := validateToken(ctx, tokens); err != nil {
		return nil, nil, credentialsErr(creds, err)
	}

	tr := newTransport(hcpConfig.APITLSConfig(), tokens, sourceChannelHeader(cfg.SourceChannel), creds.clientSecret)
	tr.attemptTimeout = timeout
	tr.secrets = append(tr.secrets, creds.secrets...)
	c = newClient(runtimeOver(hcpConfig.APIAddress(), hcpConfig.APITLSConfig(), tr))

	loc, warnings, err := c.resolveDefaultLocation(ctx,
		settingOrEnv(cfg.OrganizationID, envOrganizationID, os.LookupEnv),
		settingOrEnv(cfg.ProjectID, envProjectID, os.LookupEnv))
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = describe(nil, codes.Unknown, "%s", err)
		}
		return nil, nil, setupErr(creds, e)
	}
	c.location = loc
	return c, warnings, nil
}

// newClient builds a Client on a runtime; its location is set by the
// caller.
func newClient(rt *httptransport.Runtime) *Client {
	return &Client{
		packer:        packerservice.New(rt, strfmt.Default),
		projects:      projectservice.New(rt, strfmt.Default),
		organizations: organizationservice.New(rt, strfmt.Default),
		resources:     resourceservice.New(rt, strfmt.Default),
		iam:           iamservice.New(rt, strfmt.Default),
		projectOrgs:   map[string]string{},
	}
}

// Location returns the resolved default location.
func (c *Client) Location() Location { return c.location }

// newHCPConfig builds the SDK configuration (the endpoint and TLS settings
// from the environment as the SDK reads them, then exactly the credentials
// chooseCredentials picked) and the token source of the client, which keeps
// tokens in memory and never uses the SDK's token cache file: for
// service-principal credentials see servicePrincipalTokens, for workload
// identity see workloadTokens.
func newHCPConfig(creds credentials, timeout time.Duration) (config.HCPConfig, oauth2.TokenSource, error) {
	opts := []config.HCPConfigOption{
		config.FromEnv(), config.WithoutBrowserLogin(),
		// FromEnv takes HCP_ORGANIZATION_ID and HCP_PROJECT_ID as the SDK's
		// user profile whenever both are set, and refuses the pair when one
		// is empty, as CI systems leave unused variables. The provider
		// resolves its organization and project itself (an empty variable
		// counts as unset there) and never reads the profile.
		config.WithProfile(&profile.UserProfile{}),
		// The credentials chosen (none for workload identity) replace any
		// HCP_CLIENT_* FromEnv picked up, which the SDK would prefer over
		// a workload identity and refuse when one of them is empty.
		config.WithClientCredentials(creds.clientID, creds.clientSecret),
	}
	if creds.workload != nil {
		return newWorkloadHCPConfig(creds.workload, opts)
	}
	ep, err := authEndpointFromEnv(os.LookupEnv)
	if err != nil {
		return nil, nil, err
	}
	tokens := servicePrincipalTokens(ep, creds.clientID, creds.clientSecret, timeout)
	hcpConfig, err := config.NewHCPConfig(append(opts, config.WithTokenSource(tokens))...)
	return hcpConfig, tokens, err
}

// workloadTokenEarlyExpiry is how long before its expiry an exchanged
// token is replaced, so that no request starts with a token that runs out
// while it is retried.
const workloadTokenEarlyExpiry = time.Minute

// newWorkloadHCPConfig is newHCPConfig for workload identity credentials:
// hcp-sdk-go's workload provider exchanges the token at the API address
// of the configuration it is part of.
func newWorkloadHCPConfig(w *workloadCredentials, opts []config.HCPConfigOption) (config.HCPConfig, oauth2.TokenSource, error) {
	exchange, err := workload.New(w.config)
	if err != nil {
		return nil, nil, err
	}
	wt := &workloadTokens{creds: w, exchange: exchange, now: time.Now, retry: defaultRetryPolicy(), sleep: time.Sleep}
	tokens := oauth2.ReuseTokenSourceWithExpiry(nil, wt, workloadTokenEarlyExpiry)
	hcpConfig, err := config.NewHCPConfig(append(opts, config.WithTokenSource(tokens))...)
	if err != nil {
		return nil, nil, err
	}
	exchange.SetAPI(hcpConfig)
	wt.exchangeURL = exchangeURL(hcpConfig.APIAddress(), w.config.ProviderResourceName)
	return hcpConfig, tokens, nil
}

// validateToken fetches a token once, so that bad credentials fail at
// configure time rather than on the first request. The SDK's token fetch
// takes no context; waiting in a goroutine keeps cancellation prompt.
func validateToken(ctx context.Context, tokens oauth2.TokenSource) error {
	if c, ok := tokens.(contextTokenSource); ok {
		_, err := c.TokenContext(ctx)
		return err
	}
	done := make(chan error, 1)
	go func() {
		_, err := tokens.Token()
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// credentialsErr explains a failed token fetch in one sentence.
func credentialsErr(creds credentials, err error) error {
	var retrieve *oauth2.RetrieveError
	var timeout *timeoutError
	var explained *Error
	switch {
	case errors.As(err, &explained):
		// workloadTokens has said what went wrong.
		return setupErr(creds, explained)
	case errors.As(err, &timeout):
		return setupErr(creds, describe(nil, codes.DeadlineExceeded, "the HCP token endpoint%s did not answer within %s; raise request_timeout "+
			"(or HCP_REQUEST_TIMEOUT) if it is only slow, or check HCP_AUTH_URL (https://host[:port]), HCP_AUTH_TLS and the network",
			atHost(err), timeout.timeout))
	case errors.As(err, &retrieve):
		return setupErr(creds, describe(nil, codes.Unauthenticated, "HCP rejected the credentials from %s (%s); check the client ID and secret, "+
			"and that the service principal still exists", creds.origin, retrieveReason(retrieve)))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return setupErr(creds, describe(nil, codeOfContextErr(err), "validating the HCP credentials was interrupted: %s", err))
	default:
		return setupErr(creds, describe(nil, codes.Unavailable, "could not obtain an HCP access token%s with the credentials from %s: %s; "+
			"check HCP_AUTH_URL (https://host[:port]), HCP_AUTH_TLS and the network", atHost(err), creds.origin, err))
	}
}

// retrieveReason summarises a token endpoint refusal.
func retrieveReason(e *oauth2.RetrieveError) string {
	reason := e.ErrorCode
	if e.ErrorDescription != "" {
		reason = strings.TrimSpace(reason + ": " + e.ErrorDescription)
	}
	if reason == "" && e.Response != nil {
		reason = e.Response.Status
	}
	if reason == "" {
		reason = "refused"
	}
	return reason
}

// describe builds the *Error New returns: its Message is one sentence for
// the user, and its Op, Code and HTTP status come from cause when an API
// answer caused it, so that MessageOf shows the sentence and CodeOf,
// IsPermissionDenied and friends still see the API's verdict.
//
// A cause that never reached the API is returned as it is: its message
// names the address and the variables that set it, and advice about the
// project or organization the call was for would mislead.
func describe(cause error, code codes.Code, format string, args ...any) *Error {
	var api *Error
	if errors.As(cause, &api) && api.unreachable {
		return api
	}
	e := &Error{Op: "Configure", Code: code, Message: fmt.Sprintf(format, args...)}
	if api != nil {
		e.Op, e.Code, e.HTTPStatus = api.Op, api.Code, api.HTTPStatus
	}
	return e
}

// setupErr strips the client secret and any inline token from an error of
// New, whatever a server or library put into its message.
func setupErr(creds credentials, e *Error) error {
	e.Message = redact(e.Message, append([]string{creds.clientSecret}, creds.secrets...)...)
	return e
}

func codeOfContextErr(err error) codes.Code {
	if errors.Is(err, context.DeadlineExceeded) {
		return codes.DeadlineExceeded
	}
	return codes.Canceled
}

// redact replaces every occurrence of the maskable secrets in s.
func redact(s string, secrets ...string) string {
	for _, secret := range maskable(secrets) {
		s = strings.ReplaceAll(s, secret, "***")
	}
	return s
}

// minMaskedSecretLength is the shortest secret masked wherever it occurs in
// text. Masks match substrings, so a short value such as "wrong" or
// "secret" would blank those words out of every message (turning "wrong
// client secret" into "*** client secret") while hiding nothing worth
// hiding: HCP issues client secrets and tokens far longer than this, and a
// value this short is refused by HCP anyway. The provider itself never
// writes a secret into a message or log line; masking guards against a
// server that echoes one.
const minMaskedSecretLength = 16

// maskable returns the secrets long enough to mask as substrings.
func maskable(secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if len(s) >= minMaskedSecretLength {
			out = append(out, s)
		}
	}
	return out
}
