// Package httpapi serves localhcp's HTTP API: the OAuth2 token endpoint,
// the resource-manager, Packer 2023-01-01 and operation routes, with bearer
// authentication, role checks and fault injection in front of them.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
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
	// RetryAfter is what injected 429 answers announce; zero means one
	// second. The header counts whole seconds: the value is rounded down,
	// so a sub-second delay is announced as "0".
	RetryAfter time.Duration
}

// retryAfterHeader is the Retry-After value of an injected 429.
func (f Faults) retryAfterHeader() string {
	if f.RetryAfter <= 0 {
		return "1"
	}
	return strconv.FormatInt(int64(f.RetryAfter/time.Second), 10)
}

// Config is what a Handler serves.
type Config struct {
	Service      *registry.Service
	DB           *store.DB
	Organization Organization
	Projects     []store.Project // oldest first
	BaseURL      string          // https://127.0.0.1:<port>, for URLs in answers
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
	// injected429 and injected503 count the answers fault injection
	// replaced, so resilience tests can prove faults really happened.
	injected429 atomic.Int64
	injected503 atomic.Int64

	// iamMu admits one change of principals, keys or policies at a time.
	iamMu sync.Mutex

	answers                answerCache
	counts                 requestCounts
	tokenCount, faultCount *atomic.Int64
	otherCount             *atomic.Int64
	sbomDownloadCount      *atomic.Int64
	exchangeCount          *atomic.Int64
}

// FaultCounts is how many answers fault injection has replaced so far.
type FaultCounts struct {
	TooManyRequests int64 // 429 answers
	Unavailable     int64 // 503 answers
}

// New builds the handler, loading the principals, keys and policies it
// checks requests against.
func New(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{
		cfg:      cfg,
		auth:     newAuthenticator(cfg.DB, cfg.TokenTTL, cfg.Now),
		projects: map[string]store.Project{},
	}
	for _, p := range cfg.Projects {
		h.projects[p.ID] = p
	}
	h.faults.Store(&Faults{})
	h.tokenCount = h.counts.counter(CountToken)
	h.faultCount = h.counts.counter(CountFault)
	h.otherCount = h.counts.counter(CountOther)
	h.sbomDownloadCount = h.counts.counter(CountSBOMDownload)
	h.exchangeCount = h.counts.counter(CountExchange)
	h.registerRoutes()
	if err := h.auth.load(context.Background(), cfg.Organization.ID); err != nil {
		return nil, err
	}
	return h, nil
}

// SetFaults changes fault injection at run time.
func (h *Handler) SetFaults(f Faults) { h.faults.Store(&f) }

// InjectedFaults returns how many answers fault injection has replaced
// since the handler was built.
func (h *Handler) InjectedFaults() FaultCounts {
	return FaultCounts{TooManyRequests: h.injected429.Load(), Unavailable: h.injected503.Load()}
}

// scope says which path parameters a route's handler relies on.
type scope int

const (
	scopeNone    scope = iota // resource manager: no location in the path
	scopeProject              // {org} and {project} must name the seeded ones
	// scopeSelf routes name what they act on in a resource name, which
	// their handler resolves and authorizes itself.
	scopeSelf
)

// endpoint is one operation: its role-checked action and its handler.
type endpoint struct {
	action string // e.g. "packer.channels.update"; "" for out-of-scope routes
	scope  scope
	fn     func(h *Handler, c *call) (any, error)
	// served counts the requests the endpoint answered (see RequestCounts).
	served *atomic.Int64
	// cached marks the reads whose answers are kept (see answerCache).
	cached bool
	// open marks the reads every principal may make, whatever its roles.
	open bool
}

// call is one authenticated request on its way to a handler.
type call struct {
	r         *http.Request
	ctx       context.Context
	params    map[string]string
	principal store.Principal
	loc       registry.Loc
	body      []byte
	// onlyBuckets, when not nil, is the buckets a principal without a role
	// on the project may list (CONTRACT.md §2.3).
	onlyBuckets map[string]bool
}

func (c *call) param(name string) string { return c.params[name] }

// now is the server's clock, cut to the millisecond the API emits.
func (h *Handler) now() time.Time { return h.cfg.Now().UTC().Truncate(time.Millisecond) }

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
		h.tokenCount.Add(1)
		h.auth.serveToken(rec, r)
		return
	}
	if name, ok := exchangeName(r); ok {
		h.exchangeCount.Add(1)
		h.serveExchange(rec, r, name)
		return
	}
	if h.injectFault(rec, r) {
		h.faultCount.Add(1)
		return
	}
	if strings.HasPrefix(r.URL.Path, sbomDownloadPrefix) {
		h.sbomDownloadCount.Add(1)
		h.serveSBOMDownload(rec, r)
		return
	}
	principal, err := h.auth.verify(r)
	if err != nil {
		h.otherCount.Add(1)
		writeError(rec, err)
		return
	}
	who = principal.Name
	ep, params, found := h.router.match(r.Method, r.URL.EscapedPath())
	if ep == nil || ep.fn == nil {
		h.otherCount.Add(1)
	} else {
		ep.served.Add(1)
	}
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
	if err := h.authorizeCall(c, ep); err != nil {
		writeError(rec, err)
		return
	}
	if c.body, err = readBody(rec, r); err != nil {
		writeError(rec, err)
		return
	}
	if ep.cached {
		h.serveCached(rec, ep, c)
		return
	}
	out, err := ep.fn(h, c)
	if err != nil {
		h.writeFailure(rec, r, err)
		return
	}
	writeJSON(rec, out)
}

// authorizeCall checks the principal's role for an endpoint of scopeNone
// or scopeProject. A principal that may not list a project's buckets may
// still list those it holds a role on.
func (h *Handler) authorizeCall(c *call, ep *endpoint) error {
	if ep.open || ep.scope == scopeSelf {
		return nil
	}
	err := h.Authorize(c.principal, ep.action, c.loc.ProjectID, c.param("bucket"))
	if err != nil && ep.action == actionListBuckets {
		if only := h.auth.ids.Load().bucketsReadable(c.principal.ID, c.loc.ProjectID); len(only) > 0 {
			c.onlyBuckets = only
			return nil
		}
	}
	return err
}

// writeFailure answers with err, logging the unexpected ones.
func (h *Handler) writeFailure(w http.ResponseWriter, r *http.Request, err error) {
	if code := writeError(w, err); code == codes.Internal {
		h.cfg.Logger.Error("internal error", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	}
}

// serveCached answers a read of cachedActions from the answer cache when
// the kept answer still holds, and otherwise runs it and keeps the answer.
func (h *Handler) serveCached(w http.ResponseWriter, ep *endpoint, c *call) {
	key := answerKey(ep.action, c.params)
	// Both are taken before the read runs; see answerCache.
	generation, now := h.cfg.DB.Generation(), h.cfg.Now()
	if body, ok := h.answers.get(key, generation, now); ok {
		writeBody(w, body)
		return
	}
	out, err := ep.fn(h, c)
	if err != nil {
		h.writeFailure(w, c.r, err)
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		writeStatus(w, codes.Internal, "localhcp could not encode its answer: "+err.Error())
		return
	}
	writeBody(w, body)

	until, pending, err := h.answers.pendingRevocation(c.ctx, generation, h.cfg.DB.PendingRevocationAt)
	if err != nil || h.cfg.DB.Generation() != generation {
		return // the answer may already be out of date: do not keep it
	}
	kept := keptAnswer{body: body, generation: generation, from: now}
	if pending {
		kept.until = until
	}
	h.answers.put(key, kept)
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
	if isTimeout(err) {
		return nil, registry.Errorf(codes.DeadlineExceeded, "the request body did not arrive within the server's read timeout: send it at once")
	}
	if err != nil {
		return nil, registry.Errorf(codes.Canceled, "reading the request body failed: %s", err.Error())
	}
	return body, nil
}

// isTimeout reports whether err is a read that the server's deadline cut
// short (see localhcp's Timeouts).
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// injectFault delays the answer and, at the configured rate, replaces it
// with 429 (with Retry-After) or 503 before the request has any effect, so a
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
		h.injected429.Add(1)
		after := f.retryAfterHeader()
		w.Header().Set("Retry-After", after)
		writeStatus(w, codes.ResourceExhausted, "localhcp fault injection: too many requests, retry after "+after+" s")
	} else {
		h.injected503.Add(1)
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
