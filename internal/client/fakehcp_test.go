package client

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fakeHCP is a minimal HCP for the client's own tests: a token endpoint,
// the resource-manager discovery routes and whatever Packer routes a test
// registers. The real wire contract is tested against localhcp; this fake
// lets unit tests shape answers localhcp never gives (several
// organizations, malformed pages, gateway errors).
type fakeHCP struct {
	srv *httptest.Server

	clientID, clientSecret, token string

	mu        sync.Mutex
	orgs      []fakeOrg
	projects  []fakeProject
	forbidden map[string]bool // project IDs whose reads answer 403
	routes    map[string]http.HandlerFunc
	requests  []recordedRequest
}

type fakeOrg struct{ ID string }

type fakeProject struct {
	ID, Name, OrgID, CreatedAt string
}

type recordedRequest struct {
	Method, Path string
	Query        url.Values
	Body         map[string]any
}

func newFakeHCP(t *testing.T) *fakeHCP {
	t.Helper()
	f := &fakeHCP{
		clientID:     "fake-client-id",
		clientSecret: "fake-client-secret-s3cr3t",
		token:        "fake-access-token-t0k3n",
		forbidden:    map[string]bool{},
		routes:       map[string]http.HandlerFunc{},
	}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// handle registers a Packer or resource-manager route, keyed "METHOD path".
func (f *fakeHCP) handle(route string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = h
}

func (f *fakeHCP) recorded() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedRequest(nil), f.requests...)
}

func (f *fakeHCP) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth2/token" {
		f.serveToken(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		writeRPCError(w, http.StatusUnauthorized, 16, "missing or invalid bearer token")
		return
	}
	rec := recordedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	if r.Body != nil {
		_ = json.NewDecoder(r.Body).Decode(&rec.Body)
	}
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	h := f.routes[r.Method+" "+r.URL.Path]
	f.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	f.serveResourceManager(w, r)
}

func (f *fakeHCP) serveToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		_ = r.ParseForm()
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != f.clientID || secret != f.clientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client", "error_description": "unknown client"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": f.token, "token_type": "Bearer", "expires_in": 3600})
}

func (f *fakeHCP) serveResourceManager(w http.ResponseWriter, r *http.Request) {
	const prefix = "/resource-manager/2019-12-10/"
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == prefix+"organizations":
		orgs := []map[string]any{}
		for _, o := range f.orgs {
			orgs = append(orgs, map[string]any{"id": o.ID, "name": "org " + o.ID, "state": "ACTIVE"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"organizations": orgs, "pagination": map[string]any{}})
	case r.Method == http.MethodGet && r.URL.Path == prefix+"projects":
		scope := r.URL.Query().Get("scope.id")
		projects := []map[string]any{}
		for _, p := range f.projects {
			if p.OrgID == scope {
				projects = append(projects, projectJSON(p))
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"projects": projects, "pagination": map[string]any{}})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, prefix+"projects/"):
		id := strings.TrimPrefix(r.URL.Path, prefix+"projects/")
		if f.forbidden[id] {
			writeRPCError(w, http.StatusForbidden, 7, "the caller may not read project "+id)
			return
		}
		for _, p := range f.projects {
			if p.ID == id {
				writeJSON(w, http.StatusOK, map[string]any{"project": projectJSON(p)})
				return
			}
		}
		writeRPCError(w, http.StatusNotFound, 5, "project not found")
	default:
		writeRPCError(w, http.StatusNotFound, 5, "no route "+r.Method+" "+r.URL.Path)
	}
}

func projectJSON(p fakeProject) map[string]any {
	return map[string]any{
		"id": p.ID, "name": p.Name, "created_at": p.CreatedAt, "state": "ACTIVE",
		"parent": map[string]any{"id": p.OrgID, "type": "ORGANIZATION"},
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeRPCError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{"code": code, "message": message, "details": []any{}})
}

// address is the fake's host:port, as HCP_API_ADDRESS wants it.
func (f *fakeHCP) address() string { return strings.TrimPrefix(f.srv.URL, "https://") }

// setEnv points hcp-sdk-go at the fake through the environment, with a
// fresh HOME so no token cache is shared, and clears every other HCP_*
// variable. Tests calling it cannot run in parallel.
func (f *fakeHCP) setEnv(t *testing.T) {
	t.Helper()
	for _, name := range []string{
		"HCP_CLIENT_ID", "HCP_CLIENT_SECRET", "HCP_CRED_FILE", "HCP_ORGANIZATION_ID", "HCP_PROJECT_ID",
		"HCP_API_HOST", "HCP_GEOGRAPHY", "HCP_OAUTH_CLIENT_ID", "HCP_PORTAL_URL", "DEBUG", "SWAGGER_DEBUG",
	} {
		unsetEnv(t, name)
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("HCP_AUTH_URL", f.srv.URL)
	t.Setenv("HCP_AUTH_TLS", "insecure")
	t.Setenv("HCP_API_ADDRESS", f.address())
	t.Setenv("HCP_API_TLS", "insecure")
}

// unsetEnv removes an environment variable for the test and restores it
// afterwards; t.Setenv alone would leave it set to "".
func unsetEnv(t testing.TB, name string) {
	t.Helper()
	t.Setenv(name, "")
	_ = os.Unsetenv(name)
}

// client returns a Client that talks to the fake with a fixed token,
// without New and without the environment, so tests using it can run in
// parallel.
func (f *fakeHCP) client(loc Location) *Client {
	tokens := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: f.token, TokenType: "Bearer"})
	rt := newRuntime(f.address(), &tls.Config{InsecureSkipVerify: true}, tokens, sourceChannelHeader("test"), f.clientSecret) //nolint:gosec // test server with a self-signed certificate
	// Retries keep their logic but not their real delays.
	tr := rt.Transport.(*transport)
	tr.policy.baseDelay, tr.policy.maxDelay = time.Millisecond, 4*time.Millisecond
	c := newClient(rt)
	c.location = loc
	return c
}
