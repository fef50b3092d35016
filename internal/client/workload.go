package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hashicorp/hcp-sdk-go/auth/workload"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
)

// WorkloadIdentity is the provider's workload_identity block: a token that
// proves the identity of a CI job (an OIDC token, or an OAuth2 access
// token), exchanged for an access token of the service principal behind
// the workload identity provider ResourceName. Exactly one of TokenFile and
// Token is set.
type WorkloadIdentity struct {
	ResourceName string
	TokenFile    string
	Token        string // secret: never logged, never in an error
}

// workloadCredentials is a workload identity credential source: the SDK's
// configuration of it and the words that name it in errors.
type workloadCredentials struct {
	config *workload.IdentityProviderConfig
	// where says where the token to exchange is: `token_file "/run/oidc"`.
	where string
	// resourceNameSetting is the setting that names the workload identity
	// provider, for a "not found".
	resourceNameSetting string
}

// blockCredentials turns the workload_identity block into credentials.
func blockCredentials(w WorkloadIdentity) (credentials, error) {
	c := &workload.IdentityProviderConfig{ProviderResourceName: w.ResourceName}
	where := "workload_identity.token"
	switch {
	case w.TokenFile != "" && w.Token != "":
		return credentials{}, errors.New("workload_identity sets both token_file and token: set only one of them")
	case w.TokenFile != "":
		c.File = &workload.FileCredentialSource{Path: w.TokenFile}
		where = fmt.Sprintf("token_file %q", w.TokenFile)
	case w.Token != "":
		c.Token = &workload.CredentialTokenSource{Token: w.Token}
	default:
		return credentials{}, errors.New("workload_identity sets neither token_file nor token: set one of them to the CI job's identity token")
	}
	return credentials{
		workload: &workloadCredentials{config: c, where: where, resourceNameSetting: "resource_name in the workload_identity block"},
		origin:   "the workload_identity block",
		secrets:  []string{w.Token},
	}, nil
}

// fileWorkloadCredentials are the credentials of a credential file of
// scheme workload, found at path.
func fileWorkloadCredentials(c *workload.IdentityProviderConfig, path string) *workloadCredentials {
	where := fmt.Sprintf("the credential file %q", path)
	if c.File != nil {
		where = fmt.Sprintf("the token file %q named by the credential file %q", c.File.Path, path)
	}
	return &workloadCredentials{config: c, where: where,
		resourceNameSetting: fmt.Sprintf("provider_resource_name in the credential file %q", path)}
}

// token names the token to exchange in an error.
func (c *workloadCredentials) token() string { return "the workload identity token in " + c.where }

// workloadTokens exchanges a workload identity token for a service
// principal's access token through hcp-sdk-go's workload provider, which
// sends the exchange request. Before each exchange it reads the token
// itself where it can (a token given inline or in a file), so that a
// missing file, something that is no token, or an expired token gets an
// error that says so, and after a refused exchange it says what the refusal
// means.
//
// It takes the place of the SDK's token cache (creds-cache.json), which
// keys workload tokens by the workload identity provider's name and hands a
// cached access token out without reading the subject token again: a CI job
// would run as whatever identity another job on the same machine exchanged
// last (another branch, another repository allowed by the same provider),
// and a token already expired or revoked at its source would keep working.
// The cache also writes under $HOME, which a CI runner shares between jobs.
// newHCPConfig keeps the tokens this returns in memory instead, for one
// provider configuration.
type workloadTokens struct {
	creds       *workloadCredentials
	exchange    oauth2.TokenSource // the SDK's workload.Provider
	exchangeURL string
	// now decides whether a token has expired; tests move it.
	now func() time.Time
	// retry spaces and bounds the attempts of one exchange, and sleep
	// waits between them; tests make both instant.
	retry retryPolicy
	sleep func(time.Duration)
}

func (w *workloadTokens) Token() (*oauth2.Token, error) {
	subject, err := w.subjectToken()
	if err != nil {
		return nil, err
	}
	claims, err := w.checkSubject(subject)
	if err != nil {
		return nil, err
	}
	token, err := w.exchangeWithRetries()
	if err != nil {
		return nil, w.exchangeErr(err, claims, subject)
	}
	return token, nil
}

// exchangeWithRetries sends the exchange again, with the API requests'
// backoff and bound on attempts, while it fails the way a busy or
// restarting server fails. The SDK sends the exchange with a client of its
// own, outside the provider's retrying transport, so without this one 503
// from a gateway would fail a CI run at configure. A timed-out attempt is
// not retried, as for API requests: the SDK's 10 s bound per attempt would
// otherwise hold a run for minutes.
func (w *workloadTokens) exchangeWithRetries() (*oauth2.Token, error) {
	for attempt := 1; ; attempt++ {
		token, err := w.exchange.Token()
		if err == nil || attempt >= w.retry.maxAttempts || !transientExchangeErr(err) {
			return token, err
		}
		w.sleep(w.retry.backoff(attempt))
	}
}

// transientExchangeErr reports whether an error of the SDK's exchange may
// go away when the exchange is sent again unchanged: HTTP 429, 502, 503 or
// 504, or a connection refused or reset before any answer. The SDK wraps
// the transport's error with %v, so only its text tells.
func transientExchangeErr(err error) bool {
	text := err.Error()
	if m := exchangeStatus.FindStringSubmatch(text); m != nil {
		switch m[1] {
		case "429", "502", "503", "504":
			return true
		}
		return false
	}
	reason, ok := strings.CutPrefix(text, sdkUnreachable)
	return ok && (strings.Contains(reason, "connection refused") || strings.Contains(reason, "connection reset"))
}

// maxSubjectTokenSize is how much of a token file is read, as in the SDK.
const maxSubjectTokenSize = 1 << 20

// subjectToken returns the token the exchange will send when the provider
// can read it beforehand: given inline, or in a file of plain value
// format; "" for the sources only the SDK reads (a JSON file, a variable, a
// URL, AWS).
func (w *workloadTokens) subjectToken() (string, error) {
	c := w.creds.config
	switch {
	case c.Token != nil:
		return c.Token.Token, nil
	case c.File == nil:
		return "", nil
	}
	content, err := readTokenFile(c.File.Path)
	if err != nil {
		return "", describe(nil, codes.InvalidArgument, "%s %s; write the CI job's identity token to it in the same job, "+
			"before terraform runs, or correct the path", w.creds.where, err)
	}
	if len(content) == 0 {
		return "", describe(nil, codes.InvalidArgument, "%s is empty; write the CI job's identity token to it in the same job, "+
			"before terraform runs", w.creds.where)
	}
	if c.File.Type == workload.FormatTypeJSON {
		return "", nil
	}
	return string(content), nil
}

// readTokenFile reads a token file as the SDK does (at most 1 MiB, trimmed)
// and says in words what keeps it from being read.
func readTokenFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, errors.New("does not exist")
	case errors.Is(err, os.ErrPermission):
		return nil, errors.New("is not readable by the user terraform runs as")
	case err != nil:
		return nil, fmt.Errorf("cannot be opened (%s)", pathErrReason(err))
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose on close
	content, err := io.ReadAll(io.LimitReader(f, maxSubjectTokenSize))
	if err != nil {
		return nil, fmt.Errorf("cannot be read (%s)", pathErrReason(err))
	}
	return bytes.TrimSpace(content), nil
}

// pathErrReason is the reason of a file error without the path, which the
// message names once already.
func pathErrReason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// tokenClaims are the claims of a JWT that say where it comes from and
// whom it is for, read without verifying its signature: only HCP can judge
// the token, but these are what a user compares with the workload identity
// provider's issuer, audiences and conditional access.
type tokenClaims struct {
	issuer, subject string
	audience        []string
	expiry          *time.Time
}

// describe renders the claims for an error: ` (its claims: iss "…", aud
// ["…"], sub "…")`.
func (c *tokenClaims) describe() string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf(" (its claims: iss %q, aud %q, sub %q)", c.issuer, c.audience, c.subject)
}

// jwtShape is the compact serialisation of a signed JWT: three
// base64url parts.
var jwtShape = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`)

// bearerTokenShape is what any bearer token looks like (RFC 6750's
// b64token); a JWT is one too.
var bearerTokenShape = regexp.MustCompile(`^[A-Za-z0-9._~+/-]+=*$`)

// signatureAlgorithms are the algorithms a JWT may name to be read here:
// all that go-jose knows, since nothing is verified.
var signatureAlgorithms = []jose.SignatureAlgorithm{
	jose.EdDSA, jose.HS256, jose.HS384, jose.HS512, jose.RS256, jose.RS384, jose.RS512,
	jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512,
}

// checkSubject refuses what is clearly no token and a JWT that has
// expired, and returns a JWT's claims for the errors of the exchange. A
// token that does not parse as a JWT may be an opaque OAuth2 access token,
// which the exchange accepts as well: it is left to the exchange.
func (w *workloadTokens) checkSubject(token string) (*tokenClaims, error) {
	if token == "" {
		return nil, nil
	}
	if !bearerTokenShape.MatchString(token) {
		return nil, describe(nil, codes.InvalidArgument, "%s is neither a JWT nor an access token: it holds characters no "+
			"token has%s; it must hold only the token itself", w.creds.token(), notATokenHint(token))
	}
	claims := readClaims(token)
	if claims == nil || claims.expiry == nil {
		return claims, nil
	}
	if now := w.now(); !now.Before(*claims.expiry) {
		return nil, describe(nil, codes.InvalidArgument, "%s expired at %s (%s ago): fetch a "+
			"fresh one in the same CI job, right before terraform runs", w.creds.token(),
			claims.expiry.UTC().Format(time.RFC3339), now.Sub(*claims.expiry).Round(time.Second))
	}
	return claims, nil
}

// notATokenHint guesses what was written instead of a token.
func notATokenHint(s string) string {
	switch {
	case strings.HasPrefix(s, "{"):
		return " (it looks like JSON: for GitHub Actions, write the \"value\" field of the ID token response, not the whole response)"
	case strings.HasPrefix(s, "<"):
		return " (it looks like an HTML page)"
	default:
		return " (such as spaces, quotes or line breaks)"
	}
}

// readClaims returns the claims of a JWT, nil for anything that does not
// parse as one.
func readClaims(token string) *tokenClaims {
	if !jwtShape.MatchString(token) {
		return nil
	}
	parsed, err := jwt.ParseSigned(token, signatureAlgorithms)
	if err != nil {
		return nil
	}
	var c jwt.Claims
	if err := parsed.UnsafeClaimsWithoutVerification(&c); err != nil {
		return nil
	}
	claims := &tokenClaims{issuer: c.Issuer, subject: c.Subject, audience: c.Audience}
	if c.Expiry != nil {
		exp := c.Expiry.Time()
		claims.expiry = &exp
	}
	return claims
}

// exchangeStatus matches the SDK's error for an exchange HCP refused.
var exchangeStatus = regexp.MustCompile(`(?s)^exchange token status code (\d+): (.*)$`)

// sdkUnreachable prefixes the SDK's error for an exchange that got no
// answer.
const sdkUnreachable = "invalid response from exchange token endpoint: "

// exchangeErr explains an exchange that failed. HCP's answer is a
// google.rpc.Status, whose message is quoted; the claims of a JWT are
// added where they are what the user compares with the workload identity
// provider. Nothing of the subject token is ever quoted.
func (w *workloadTokens) exchangeErr(err error, claims *tokenClaims, subject string) error {
	text := redact(err.Error(), subject)
	m := exchangeStatus.FindStringSubmatch(text)
	if m == nil {
		if reason, ok := strings.CutPrefix(text, sdkUnreachable); ok {
			return describe(nil, codes.Unavailable, "could not reach the workload identity token exchange at %s: %s; "+
				"check HCP_API_ADDRESS, HCP_API_TLS and the network", w.exchangeURL, reason)
		}
		return describe(nil, codes.Unavailable, "could not exchange %s at %s: %s", w.creds.token(), w.exchangeURL, text)
	}
	status, _ := strconv.Atoi(m[1])
	msg := statusMessage(m[2])
	wip := w.creds.config.ProviderResourceName
	e := func(code codes.Code, format string, args ...any) error {
		err := describe(nil, code, format, args...)
		err.HTTPStatus = status
		return err
	}
	switch status {
	case 400:
		return e(codes.InvalidArgument, "HCP could not use %s for workload identity provider %q (HTTP 400: %s); "+
			"it must hold the token the CI system issued, an OIDC token (JWT) or an access token", w.creds.token(), wip, msg)
	case 401:
		return e(codes.Unauthenticated, "HCP refused %s for workload identity provider %q (HTTP 401: %s)%s; check that the "+
			"provider's issuer and allowed audiences match the token and that the token is fresh", w.creds.token(), wip, msg, claims.describe())
	case 403:
		return e(codes.PermissionDenied, "the conditional access of workload identity provider %q refused %s (HTTP 403: %s)%s; "+
			"change the provider's conditional_access expression, or run from an identity it allows", wip, w.creds.token(), msg, claims.describe())
	case 404:
		return e(codes.NotFound, "HCP has no workload identity provider %q (HTTP 404: %s); check %s",
			wip, msg, w.creds.resourceNameSetting)
	case 412:
		return e(codes.FailedPrecondition, "HCP has no keys to verify %s for workload identity provider %q (HTTP 412: %s)%s; "+
			"this HCP must be given the issuer's public keys first (localhcp never fetches them from the issuer)", w.creds.token(), wip, msg, claims.describe())
	case 501:
		return e(codes.Unimplemented, "HCP cannot exchange %s for workload identity provider %q (HTTP 501: %s); "+
			"use an OIDC token instead", w.creds.token(), wip, msg)
	default:
		return e(codes.Unavailable, "the workload identity token exchange at %s answered HTTP %d (%s); "+
			"check HCP_API_ADDRESS and HCP_API_TLS", w.exchangeURL, status, msg)
	}
}

// maxQuotedBody bounds how much of an answer that is no google.rpc.Status
// an error quotes.
const maxQuotedBody = 200

// statusMessage is the message of a google.rpc.Status body, else the body
// itself, shortened.
func statusMessage(body string) string {
	var status struct {
		Message string `json:"message"`
	}
	if json.Unmarshal([]byte(body), &status) == nil && status.Message != "" {
		return status.Message
	}
	body = strings.TrimSpace(body)
	if len(body) > maxQuotedBody {
		body = strings.ToValidUTF8(body[:maxQuotedBody], "") + "…"
	}
	if body == "" {
		return "no message"
	}
	return body
}

// exchangeURL is where the SDK exchanges tokens for the workload identity
// provider wip: always https, whatever HCP_API_TLS says.
func exchangeURL(apiAddress, wip string) string {
	return "https://" + apiAddress + "/2019-12-10/" + wip + "/exchange-token"
}
