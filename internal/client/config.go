package client

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcp-sdk-go/auth"
)

// Config is the provider configuration; each empty field falls back to its
// HCP_* environment variable (HCP_CLIENT_ID, HCP_CLIENT_SECRET, HCP_CRED_FILE,
// HCP_ORGANIZATION_ID, HCP_PROJECT_ID, HCP_REQUEST_TIMEOUT). HCP_API_ADDRESS,
// HCP_AUTH_URL, HCP_API_TLS, HCP_AUTH_TLS etc. work as in hcp-sdk-go.
type Config struct {
	ClientID       string
	ClientSecret   string // secret: never logged, never in an error
	CredentialFile string
	// WorkloadIdentity is the workload_identity block, nil when absent.
	WorkloadIdentity *WorkloadIdentity
	OrganizationID   string
	ProjectID        string
	SourceChannel    string // e.g. "terraform-provider-hcppacker/0.1.0", sent in X-HCP-Source-Channel
	// RequestTimeout bounds each attempt of an API or token request; zero
	// falls back to HCP_REQUEST_TIMEOUT, then to 30 seconds.
	RequestTimeout time.Duration
}

// Environment variables the provider reads itself. The SDK reads the
// endpoint and TLS variables on its own (config.FromEnv).
const (
	envClientID       = "HCP_CLIENT_ID"
	envClientSecret   = "HCP_CLIENT_SECRET"
	envCredentialFile = "HCP_CRED_FILE"
	envOrganizationID = "HCP_ORGANIZATION_ID"
	envProjectID      = "HCP_PROJECT_ID"
	envRequestTimeout = "HCP_REQUEST_TIMEOUT"
)

// defaultSourceChannel identifies this provider to HCP when the caller does
// not say which version it is.
const defaultSourceChannel = "terraform-provider-hcppacker"

// credentials is the one credential source New uses, chosen by
// chooseCredentials.
type credentials struct {
	// clientID and clientSecret are set for service-principal credentials,
	// whether given directly or read from a credential file.
	clientID     string
	clientSecret string
	// workload is set for workload identity credentials, from the
	// workload_identity block or a credential file of scheme workload.
	workload *workloadCredentials
	// origin says where the credentials came from, for error messages.
	origin string
	// secrets are masked in the errors of New besides clientSecret (an
	// inline workload identity token).
	secrets []string
}

// lookupEnv is os.LookupEnv; tests substitute a map.
type lookupEnv func(string) (string, bool)

// chooseCredentials picks the credential source with the provider's
// precedence, which puts explicit settings over the environment:
//  1. client_id/client_secret from the configuration (each missing half
//     falls back to its environment variable);
//  2. credential_file from the configuration;
//  3. the workload_identity block;
//  4. HCP_CLIENT_ID and HCP_CLIENT_SECRET;
//  5. HCP_CRED_FILE, else the SDK's default credential file
//     (~/.config/hcp/cred_file.json) when it exists.
//
// Unlike the SDK (and hashicorp/hcp, which uses it), HCP_CLIENT_ID and
// HCP_CLIENT_SECRET never override a workload_identity block: a CI runner
// that exports a service principal's key for other tools would otherwise
// silently run Terraform as that principal instead of the job's identity.
//
// Unlike the SDK, it never falls back to an interactive browser login: a
// Terraform run has nobody to click through it.
func chooseCredentials(cfg Config, env lookupEnv) (credentials, error) {
	envID, _ := env(envClientID)
	envSecret, _ := env(envClientSecret)

	if cfg.ClientID != "" || cfg.ClientSecret != "" {
		id, secret := firstNonEmpty(cfg.ClientID, envID), firstNonEmpty(cfg.ClientSecret, envSecret)
		if id == "" {
			return credentials{}, errors.New("client_secret is set without client_id: set client_id (or HCP_CLIENT_ID) as well")
		}
		if secret == "" {
			return credentials{}, errors.New("client_id is set without client_secret: set client_secret (or HCP_CLIENT_SECRET) as well")
		}
		return credentials{clientID: id, clientSecret: secret, origin: "client_id and client_secret"}, nil
	}

	if cfg.CredentialFile != "" {
		return readCredentialFile(cfg.CredentialFile, "credential_file")
	}

	if cfg.WorkloadIdentity != nil {
		return blockCredentials(*cfg.WorkloadIdentity)
	}

	switch {
	case envID != "" && envSecret != "":
		return credentials{clientID: envID, clientSecret: envSecret, origin: "HCP_CLIENT_ID and HCP_CLIENT_SECRET"}, nil
	case envID != "":
		return credentials{}, errors.New("HCP_CLIENT_ID is set without HCP_CLIENT_SECRET: set both, or configure client_id and client_secret")
	case envSecret != "":
		return credentials{}, errors.New("HCP_CLIENT_SECRET is set without HCP_CLIENT_ID: set both, or configure client_id and client_secret")
	}

	if path, ok := env(envCredentialFile); ok && path != "" {
		return readCredentialFile(path, envCredentialFile)
	}

	path, err := auth.GetCredentialFilePath()
	if err == nil {
		if _, statErr := os.Stat(path); statErr == nil {
			return readCredentialFile(path, "the default credential file")
		}
	}
	return credentials{}, errors.New("no HCP credentials found: set client_id and client_secret (or HCP_CLIENT_ID and HCP_CLIENT_SECRET), " +
		"credential_file (or HCP_CRED_FILE), or a workload_identity block")
}

// readCredentialFile loads and validates an HCP credential file. Its error
// never quotes the file's content, which holds the client secret.
func readCredentialFile(path, origin string) (credentials, error) {
	cf, err := auth.ReadCredentialFile(path)
	if err != nil {
		return credentials{}, fmt.Errorf("could not use the HCP credential file %q (from %s): %s; check that it exists and is an HCP credential file", path, origin, credentialFileProblem(err))
	}
	// ReadCredentialFile has checked that the scheme's part is there.
	c := credentials{origin: fmt.Sprintf("the credential file %q", path)}
	if cf.Scheme == auth.CredentialFileSchemeWorkload {
		c.workload = fileWorkloadCredentials(cf.Workload, path)
		if cf.Workload.Token != nil {
			c.secrets = []string{cf.Workload.Token.Token}
		}
		return c, nil
	}
	c.clientID, c.clientSecret = cf.Oauth.ClientID, cf.Oauth.ClientSecret
	return c, nil
}

// credentialFileProblem describes why a credential file could not be used
// without echoing anything read from it.
func credentialFileProblem(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "the file does not exist"
	case errors.Is(err, os.ErrPermission):
		return "the file is not readable"
	default:
		return "it is not a valid credential file"
	}
}

// settingOrEnv returns the configured value, else the environment's.
func settingOrEnv(value, name string, env lookupEnv) string {
	if value != "" {
		return value
	}
	v, _ := env(name)
	return v
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// envAPIAddress is the SDK's variable for the API's address.
const envAPIAddress = "HCP_API_ADDRESS"

// checkAPIAddress refuses an API address that is not host or host:port.
// The SDK takes HCP_API_ADDRESS as it is and builds URLs from it, so a URL
// given there ("https://localhost:8443") fails only after every retry of
// the first request, as a request to host "https:".
func checkAPIAddress(address string) error {
	host, port := address, ""
	if h, p, err := net.SplitHostPort(address); err == nil {
		host, port = h, p
	}
	n, portErr := strconv.Atoi(port)
	if host == "" || strings.ContainsAny(address, "/?#@ ") || (port != "" && (portErr != nil || n < 1 || n > 65535)) {
		return fmt.Errorf("%s=%q is not an address: give host:port without a scheme or path, such as api.cloud.hashicorp.com:443 "+
			"or 127.0.0.1:8443 (HCP_API_TLS=disabled selects plain HTTP)", envAPIAddress, address)
	}
	return nil
}

// MaxRequestTimeout is the longest request timeout accepted (the errors
// that refuse a longer one say "1h"): beyond it a hung server would hold a
// run for longer than anyone waits for a plan.
const MaxRequestTimeout = time.Hour

// requestTimeout returns the configured per-attempt timeout, else
// HCP_REQUEST_TIMEOUT's (a Go duration such as "30s" or "2m"; empty counts
// as unset), else the default.
func requestTimeout(configured time.Duration, env lookupEnv) (time.Duration, error) {
	if configured > 0 {
		return configured, nil
	}
	v, _ := env(envRequestTimeout)
	if v == "" {
		return defaultRequestTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > MaxRequestTimeout {
		return 0, fmt.Errorf("%s=%q is not a timeout: give a positive duration of at most 1h, such as 30s or 2m", envRequestTimeout, v)
	}
	return d, nil
}
