package resilience

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/hcptoken"
)

// rawAPI speaks localhcp's wire protocol directly, so a test sees exactly
// which calls were acknowledged (HTTP 200) and which failed, with no retry
// or SDK in between.
type rawAPI struct {
	http   *http.Client
	base   string // https://127.0.0.1:<port>
	packer string // /packer/2023-01-01/organizations/<org>/projects/<project>
	token  string
}

// newRawAPI returns a client of the localhcp at baseURL for one project; it
// has no token until authenticate is called.
func newRawAPI(baseURL, org, project string) *rawAPI {
	return &rawAPI{
		http: &http.Client{
			Timeout: 30 * time.Second,
			// localhcp's certificate is self-signed, and the server is
			// this test's own, on 127.0.0.1.
			Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // the test's own localhcp on loopback
		},
		base:   baseURL,
		packer: "/packer/2023-01-01/organizations/" + org + "/projects/" + project,
	}
}

// fetchToken runs the client-credentials grant and returns the access
// token, or the HTTP status of a refusal.
func (a *rawAPI) fetchToken(ctx context.Context, clientID, secret string) (string, error) {
	tok, err := hcptoken.Fetch(ctx, a.http, a.base, clientID, secret)
	var refused *oauth2.RetrieveError
	if errors.As(err, &refused) {
		return "", &apiError{Status: refused.Response.StatusCode, Message: "token endpoint refused the credentials"}
	}
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// authenticate fetches a token and uses it for every later call.
func (a *rawAPI) authenticate(ctx context.Context, clientID, secret string) error {
	token, err := a.fetchToken(ctx, clientID, secret)
	a.token = token
	return err
}

// apiError is a non-200 answer: its HTTP status and the body's gRPC code
// and message.
type apiError struct {
	Status  int
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d, code %d: %s", e.Status, e.Code, e.Message)
}

// call sends one request to a path under the project's Packer API and
// decodes a 200 answer into out (when not nil). Any other answer is an
// *apiError; a transport failure is returned as is.
func (a *rawAPI) call(ctx context.Context, method, path string, body, out any) error {
	return a.callWithToken(ctx, a.token, method, a.packer+path, body, out)
}

// callWithToken is call with an explicit token and an absolute path.
func (a *rawAPI) callWithToken(ctx context.Context, token, method, path string, body, out any) error {
	return a.callWithAuthorization(ctx, "Bearer "+token, method, path, body, out)
}

// callWithAuthorization is callWithToken with the whole Authorization
// header given.
func (a *rawAPI) callWithAuthorization(ctx context.Context, authorization, method, path string, body, out any) error {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		e := &apiError{Status: resp.StatusCode}
		_ = json.Unmarshal(raw, e)
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode the answer to %s %s: %w", method, path, err)
	}
	return nil
}

// Wire shapes the tests read; only the fields they check.
type (
	wireArtifact struct {
		ID                 string `json:"id"`
		ExternalIdentifier string `json:"external_identifier"`
		Region             string `json:"region"`
	}
	wireBuild struct {
		ID            string         `json:"id"`
		VersionID     string         `json:"version_id"`
		ComponentType string         `json:"component_type"`
		Status        string         `json:"status"`
		Artifacts     []wireArtifact `json:"artifacts"`
	}
	wireVersion struct {
		ID          string      `json:"id"`
		Fingerprint string      `json:"fingerprint"`
		Name        string      `json:"name"`
		Status      string      `json:"status"`
		Builds      []wireBuild `json:"builds"`
	}
	wireChannel struct {
		ID         string       `json:"id"`
		Name       string       `json:"name"`
		AuthorID   string       `json:"author_id"`
		Managed    bool         `json:"managed"`
		Restricted bool         `json:"restricted"`
		Version    *wireVersion `json:"version"`
	}
	wireAssignment struct {
		Version *wireVersion `json:"version"`
	}
	wirePagination struct {
		NextPageToken string `json:"next_page_token"`
	}
)

// listVersions returns every version of a bucket, following pagination.
func (a *rawAPI) listVersions(ctx context.Context, bucket string) ([]wireVersion, error) {
	var all []wireVersion
	token := ""
	for {
		var page struct {
			Versions   []wireVersion  `json:"versions"`
			Pagination wirePagination `json:"pagination"`
		}
		path := "/buckets/" + bucket + "/versions"
		if token != "" {
			path += "?pagination.next_page_token=" + url.QueryEscape(token)
		}
		if err := a.call(ctx, http.MethodGet, path, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Versions...)
		if token = page.Pagination.NextPageToken; token == "" {
			return all, nil
		}
	}
}

// listChannels returns every channel of a bucket (the API does not page it).
func (a *rawAPI) listChannels(ctx context.Context, bucket string) ([]wireChannel, error) {
	var out struct {
		Channels []wireChannel `json:"channels"`
	}
	err := a.call(ctx, http.MethodGet, "/buckets/"+bucket+"/channels", nil, &out)
	return out.Channels, err
}

// channelHistory returns a channel's assignments, following pagination.
func (a *rawAPI) channelHistory(ctx context.Context, bucket, channel string) ([]wireAssignment, error) {
	var all []wireAssignment
	token := ""
	for {
		var page struct {
			History    []wireAssignment `json:"history"`
			Pagination wirePagination   `json:"pagination"`
		}
		path := "/buckets/" + bucket + "/channels/" + channel + "/history"
		if token != "" {
			path += "?pagination.next_page_token=" + url.QueryEscape(token)
		}
		if err := a.call(ctx, http.MethodGet, path, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.History...)
		if token = page.Pagination.NextPageToken; token == "" {
			return all, nil
		}
	}
}
