// Package panel is localhcp's web panel: server-rendered pages that show a
// project's buckets, versions, channels, ancestry and health, and let a
// contributor assign, revoke and restore. It reads and writes through the
// same registry.Service as the API, checks roles with the API's own rule
// (Credentials.Authorize), and serves every asset from the binary.
package panel

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Prefix is the path the panel is served under.
const Prefix = "/panel/"

// DefaultSessionTTL is how long a sign-in lasts when Config leaves it unset.
const DefaultSessionTTL = 8 * time.Hour

// Credentials checks a principal's client id and secret, and what it may
// do; the API handler implements it with the token endpoint's own check and
// the API's own role rule, bindings on projects and buckets included.
type Credentials interface {
	Authenticate(clientID, clientSecret string) (store.Principal, bool)
	// Authorize is nil when the principal may do action in projectID (on
	// bucket, when one is named), else a refusal that says why.
	Authorize(p store.Principal, action, projectID, bucket string) error
}

// Config is what a Panel serves.
type Config struct {
	Service        *registry.Service
	DB             *store.DB
	OrganizationID string
	Projects       []store.Project // oldest first; the first is the default
	Principals     []store.Principal
	Credentials    Credentials
	// Now is the clock sessions and login links expire on; default time.Now.
	Now func() time.Time
	// SessionTTL is how long a sign-in lasts; default DefaultSessionTTL.
	SessionTTL time.Duration
	// Logger receives one line per request, as the API's does; nil
	// discards.
	Logger *slog.Logger
}

// Panel is the panel's http.Handler.
type Panel struct {
	cfg        Config
	mux        *http.ServeMux
	pages      map[string]*template.Template
	sessions   *sessions
	principals map[string]store.Principal // by id
	names      map[string]string          // principal names by id
	projects   map[string]store.Project   // by id
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New builds the panel.
func New(cfg Config) *Panel {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Panel{
		cfg:        cfg,
		pages:      parsePages(),
		sessions:   newSessions(cfg.Now, cfg.SessionTTL),
		principals: map[string]store.Principal{},
		names:      map[string]string{},
		projects:   map[string]store.Project{},
	}
	for _, pr := range cfg.Principals {
		p.principals[pr.ID] = pr
		p.names[pr.ID] = pr.Name
	}
	for _, pr := range cfg.Projects {
		p.projects[pr.ID] = pr
	}
	p.routes()
	return p
}

// WithAPI returns a handler that serves the panel under Prefix and
// everything else with api, so the API sees exactly the requests it saw
// before the panel existed.
func (p *Panel) WithAPI(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == strings.TrimSuffix(Prefix, "/") || strings.HasPrefix(r.URL.Path, Prefix) {
			p.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

func (p *Panel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// No script, no frame, no outside origin: the pages need only their
	// own stylesheet and same-origin form posts.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// A login link carries its token in the URL: never pass it on.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	start, rec := time.Now(), &recorder{ResponseWriter: w, status: http.StatusOK}
	p.mux.ServeHTTP(rec, r)
	// The path only: a login link's token is in the query.
	p.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "panel request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)))
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

func (p *Panel) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /panel/static/", http.StripPrefix("/panel/static/", http.FileServerFS(static)))
	m.HandleFunc("/panel", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
	})
	m.HandleFunc("GET /panel/login", p.loginPage)
	m.HandleFunc("POST /panel/login", p.login)
	m.HandleFunc("GET /panel/login/link", p.loginLink)
	m.HandleFunc("POST /panel/logout", p.signedIn(p.logout))
	m.HandleFunc("GET /panel/{$}", p.signedIn(p.home))

	const project = "/panel/projects/{project}"
	const bucket = project + "/buckets/{bucket}"
	const version = bucket + "/versions/{fingerprint}"
	const channel = bucket + "/channels/{channel}"
	m.HandleFunc("GET "+project+"/{$}", p.page("packer.buckets.list", p.bucketsPage))
	m.HandleFunc("GET "+project+"/health", p.page("packer.channels.list", p.healthPage))
	m.HandleFunc("GET "+bucket+"/{$}", p.page("packer.versions.list", p.bucketPage))
	m.HandleFunc("GET "+bucket+"/ancestry", p.page("packer.ancestry.list", p.ancestryPage))
	m.HandleFunc("GET "+version, p.page("packer.versions.get", p.versionPage))
	m.HandleFunc("GET "+channel, p.page("packer.channels.get", p.channelPage))

	m.HandleFunc("GET "+version+"/revoke", p.page("packer.versions.update", p.revokeConfirm))
	m.HandleFunc("POST "+version+"/revoke", p.page("packer.versions.update", p.revoke))
	m.HandleFunc("GET "+version+"/restore", p.page("packer.versions.update", p.restoreConfirm))
	m.HandleFunc("POST "+version+"/restore", p.page("packer.versions.update", p.restore))
	m.HandleFunc("GET "+channel+"/assign", p.page("packer.channels.update", p.assignConfirm))
	m.HandleFunc("POST "+channel+"/assign", p.page("packer.channels.update", p.assign))
	m.HandleFunc("/", p.notFound)
	p.mux = m
}
