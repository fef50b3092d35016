// Package httpapi serves localhcp's HTTP API: the OAuth2 token endpoint,
// the resource-manager, Packer 2023-01-01 and operation routes, with bearer
// authentication, role checks and fault injection in front of them.
package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// MaxBodyBytes bounds every request body; SBOM uploads are the largest.
const MaxBodyBytes = 8 << 20

// Organization is the single seeded organization.
type Organization struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Faults is the fault injection in force.
type Faults struct {
	Rate    float64       // share of API answers replaced by 429 or 503
	Latency time.Duration // added before every API answer
}

// Config is what a Handler serves.
type Config struct {
	Service      *registry.Service
	DB           *store.DB
	Organization Organization
	Projects     []store.Project // oldest first
	Principals   []store.Principal
	BaseURL      string // https://127.0.0.1:<port>, for URLs in answers
	TokenTTL     time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
}

// Handler is localhcp's http.Handler.
type Handler struct {
	cfg      Config
	router   router
	auth     *authenticator
	projects map[string]store.Project
	faults   atomic.Pointer[Faults]
}

// New builds the handler.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{
		cfg:      cfg,
		auth:     newAuthenticator(cfg.DB, cfg.Principals, cfg.TokenTTL, cfg.Now),
		projects: map[string]store.Project{},
	}
	for _, p := range cfg.Projects {
		h.projects[p.ID] = p
	}
	h.faults.Store(&Faults{})
	h.registerRoutes()
	return h
}

// SetFaults changes fault injection at run time.
func (h *Handler) SetFaults(f Faults) { h.faults.Store(&f) }

// scope says which path parameters a route's handler relies on.
type scope int

const (
	scopeNone    scope = iota // resource manager: no location in the path
	scopeProject              // {org} and {project} must name the seeded ones
)

// endpoint is one operation: its role-checked action and its handler.
type endpoint struct {
	action string // e.g. "packer.channels.update"; "" for out-of-scope routes
	scope  scope
	fn     func(h *Handler, c *call) (any, error)
}

// call is one authenticated request on its way to a handler.
type call struct {
	r         *http.Request
	ctx       context.Context
	params    map[string]string
	principal store.Principal
	loc       registry.Loc
	body      []byte
}

func (c *call) param(name string) string { return c.params[name] }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	who := ""
	defer func() {
		// Only method, path, status and principal name: never headers,
		// bodies, tokens or secrets.
		h.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.String("principal", who),
			slog.Duration("duration", time.Since(start)))
	}()
	if r.URL.Path == "/oauth2/token" {
		h.auth.serveToken(rec, r)
		return
	}
	if h.injectFault(rec, r) {
		return
	}
	principal, err := h.auth.verify(r)
	if err != nil {
		writeError(rec, err)
		return
	}
	who = principal.Name
	ep, params, found := h.router.match(r.Method, r.URL.EscapedPath())
	if ep == nil {
		if found {
			writeStatus(rec, codes.Unimplemented, "method "+r.Method+" is not supported on "+r.URL.Path+" by localhcp")
		} else {
			writeStatus(rec, codes.NotFound, "no API route matches "+r.Method+" "+r.URL.Path+": check the path against the HCP Packer 2023-01-01 API")
		}
		return
	}
	c := &call{r: r, ctx: r.Context(), params: params, principal: principal}
	if ep.fn == nil {
		writeStatus(rec, codes.Unimplemented, r.Method+" "+r.URL.Path+" is outside what localhcp implements")
		return
	}
	if ep.scope == scopeProject {
		loc, err := h.location(params["org"], params["project"])
		if err != nil {
			writeError(rec, err)
			return
		}
		c.loc = loc
	}
	if !allowed(principal.Role, ep.action) {
		writeStatus(rec, codes.PermissionDenied, denial(principal, ep.action, c.loc.ProjectID))
		return
	}
	if c.body, err = readBody(rec, r); err != nil {
		writeError(rec, err)
		return
	}
	out, err := ep.fn(h, c)
	if err != nil {
		if code := writeError(rec, err); code == codes.Internal {
			h.cfg.Logger.Error("internal error", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		}
		return
	}
	writeJSON(rec, out)
}

// location checks the {org} and {project} of a path.
func (h *Handler) location(org, project string) (registry.Loc, error) {
	if org != h.cfg.Organization.ID {
		return registry.Loc{}, registry.Errorf(codes.NotFound, "organization %q not found: localhcp serves organization %s (HCP_ORGANIZATION_ID)", org, h.cfg.Organization.ID)
	}
	if _, ok := h.projects[project]; !ok {
		return registry.Loc{}, registry.Errorf(codes.NotFound, "project %q not found in organization %s: use one of the seeded projects (HCP_PROJECT_ID)", project, org)
	}
	return registry.Loc{OrganizationID: org, ProjectID: project}, nil
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, invalidArgument("request body is larger than %d bytes", MaxBodyBytes)
	}
	if err != nil {
		return nil, registry.Errorf(codes.Canceled, "reading the request body failed: %s", err.Error())
	}
	return body, nil
}

// injectFault delays the answer and, at the configured rate, replaces it
// with 429 (Retry-After: 1) or 503 before the request has any effect, so a
// client's retry is always safe.
func (h *Handler) injectFault(w http.ResponseWriter, r *http.Request) bool {
	f := h.faults.Load()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if f.Rate <= 0 || rand.Float64() >= f.Rate {
		return false
	}
	if rand.IntN(2) == 0 {
		w.Header().Set("Retry-After", strconv.Itoa(1))
		writeStatus(w, codes.ResourceExhausted, "localhcp fault injection: too many requests, retry after 1 second")
	} else {
		writeStatus(w, codes.Unavailable, "localhcp fault injection: service unavailable, retry later")
	}
	return true
}

// recorder remembers the status for the request log.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
