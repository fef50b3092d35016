package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	httptransport "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"
	packerservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	organizationservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	projectservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	"github.com/hashicorp/hcp-sdk-go/config"
	"golang.org/x/oauth2"
)

// Client is the API implementation backed by hcp-sdk-go. Apart from the
// immutable project → organization cache it holds no per-call state, so one
// Client serves concurrent calls and can sit under a caching decorator.
type Client struct {
	packer        packerservice.ClientService
	projects      projectservice.ClientService
	organizations organizationservice.ClientService

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
		return nil, nil, setupErr(creds, err.Error(), nil)
	}

	hcpConfig, err := newHCPConfig(creds)
	if err != nil {
		return nil, nil, setupErr(creds, fmt.Sprintf("invalid HCP client configuration: %s; check the HCP_* environment variables", err), err)
	}

	// The SDK's token source reads and rewrites its cache file on every
	// call; reusing a valid token in memory spares that on each request.
	tokens := oauth2.ReuseTokenSource(nil, hcpConfig)
	if err := validateToken(ctx, tokens); err != nil {
		return nil, nil, credentialsErr(creds, err)
	}

	c = newClient(newRuntime(hcpConfig.APIAddress(), hcpConfig.APITLSConfig(), tokens,
		sourceChannelHeader(cfg.SourceChannel), creds.clientSecret))

	loc, warnings, err := c.resolveDefaultLocation(ctx,
		settingOrEnv(cfg.OrganizationID, envOrganizationID, os.LookupEnv),
		settingOrEnv(cfg.ProjectID, envProjectID, os.LookupEnv))
	if err != nil {
		return nil, nil, setupErr(creds, err.Error(), err)
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
		projectOrgs:   map[string]string{},
	}
}

// Location returns the resolved default location.
func (c *Client) Location() Location { return c.location }

// newHCPConfig builds the SDK configuration: the endpoint and TLS settings
// from the environment as the SDK reads them, then exactly the credentials
// chooseCredentials picked.
func newHCPConfig(creds credentials) (config.HCPConfig, error) {
	opts := []config.HCPConfigOption{config.FromEnv(), config.WithoutBrowserLogin()}
	if creds.file == nil {
		opts = append(opts, config.WithClientCredentials(creds.clientID, creds.clientSecret))
	} else {
		// Clear any HCP_CLIENT_* picked up by FromEnv: the SDK would
		// prefer them over the credential file the configuration names.
		opts = append(opts, config.WithClientCredentials("", ""), config.WithCredentialFile(creds.file))
	}
	return config.NewHCPConfig(opts...)
}

// validateToken fetches a token once, so that bad credentials fail at
// configure time rather than on the first request. The SDK's token fetch
// takes no context; waiting in a goroutine keeps cancellation prompt.
func validateToken(ctx context.Context, tokens oauth2.TokenSource) error {
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
	switch {
	case errors.As(err, &retrieve):
		return setupErr(creds, fmt.Sprintf("HCP rejected the credentials from %s (%s); check the client ID and secret, "+
			"and that the service principal still exists", creds.origin, retrieveReason(retrieve)), err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return setupErr(creds, "validating the HCP credentials was interrupted: "+err.Error(), err)
	default:
		return setupErr(creds, fmt.Sprintf("could not obtain an HCP access token with the credentials from %s: %s; "+
			"check HCP_AUTH_URL, HCP_AUTH_TLS and the network", creds.origin, err), err)
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

// setupError is an error of New: one sentence for the user, wrapping the
// cause so that CodeOf and IsPermissionDenied still see an API error.
type setupError struct {
	msg   string
	cause error
}

func (e *setupError) Error() string { return e.msg }
func (e *setupError) Unwrap() error { return e.cause }

// setupErr builds a setupError whose message can never carry the secret,
// whatever a server or library put into it.
func setupErr(creds credentials, msg string, cause error) error {
	return &setupError{msg: redact(msg, creds.clientSecret), cause: cause}
}

// explain wraps cause in a sentence for the user.
func explain(cause error, format string, args ...any) error {
	return &setupError{msg: fmt.Sprintf(format, args...), cause: cause}
}

// redact replaces every occurrence of the secrets in s.
func redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}
