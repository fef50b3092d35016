// Package localhcp is a local, faithful HCP Packer service: OAuth2 client
// credentials, resource-manager discovery, the Packer 2023-01-01 API and
// operations, on one HTTPS listener on loopback, backed by SQLite. Tests,
// the demo and users' CI point hcp-sdk-go clients (this provider, the
// official provider, Packer) at it with the variables Env returns. What they
// can rely on is CONTRACT.md in this directory.
package localhcp

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/httpapi"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Options configures Start.
type Options struct {
	// DataDir keeps the SQLite database, the TLS certificate, the built-in
	// OIDC issuer's key and the address file. "" means an in-memory
	// database, certificate and key (tests).
	DataDir string
	// Addr is the listen address; default "127.0.0.1:0".
	Addr string
	// Principals replaces the stored principals. nil keeps the stored ones,
	// or on first start creates one "contributor", one "viewer" and one
	// "admin" (every role `localhcp env --role` offers) with random, unique
	// client ids and secrets.
	Principals []Principal
	// Projects names the projects of the single organization; the first is
	// the oldest and the default. nil keeps the stored ones, or on first
	// start creates one project "default".
	Projects []string
	// TokenTTL is the access-token lifetime; default 1h.
	TokenTTL time.Duration
	// Now is the clock; default time.Now. Tests move it to expire tokens
	// and to make scheduled revocations take effect.
	Now func() time.Time
	// Faults injects errors and latency; off by default.
	Faults Faults
	// Logger receives one line per request; nil discards. It never sees a
	// secret or a token.
	Logger *slog.Logger
	// WorkloadIdentity replaces the trusted OIDC issuers and creates or
	// updates workload identity providers; nil keeps the stored ones.
	WorkloadIdentity *WorkloadIdentity
	// Timeouts bounds how long a connection may hold the server; zero
	// fields take their defaults.
	Timeouts Timeouts
}

// Timeouts bounds the time a client may take, so slow or idle connections
// cannot pile up.
type Timeouts struct {
	// ReadHeader is the time to send a request's headers; default 10 s.
	ReadHeader time.Duration
	// Read is the time to send a whole request, body included (a token
	// request, an SBOM upload); default 30 s.
	Read time.Duration
	// Write is the time from the end of a request's headers to the end of
	// its answer; default 2 min, which leaves room for injected latency.
	Write time.Duration
	// Idle is how long a keep-alive connection may wait for its next
	// request; default 2 min, longer than Go clients' own 90 s, so a client
	// normally closes first and never reuses a connection the server is
	// closing.
	Idle time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadHeader, 10*time.Second)
	def(&t.Read, 30*time.Second)
	def(&t.Write, 2*time.Minute)
	def(&t.Idle, 2*time.Minute)
	return t
}

// Faults is fault injection for resilience tests.
type Faults struct {
	// Rate (0..1) is the share of Packer, resource-manager and operation
	// answers replaced by 429 (with Retry-After) or 503. The replaced
	// request has no effect, so retrying it is always safe.
	Rate float64
	// Latency is added before every API answer.
	Latency time.Duration
	// RetryAfter is what injected 429 answers announce; default one
	// second. The header counts whole seconds, so the value is rounded
	// down and a sub-second delay is announced as "0" (retry at the
	// client's own pace), which keeps fault-heavy test runs short.
	RetryAfter time.Duration
}

// Principal is a seeded service principal of the organization, with one
// key (ClientID, ClientSecret) and one role on the organization. Its id is
// recorded as author_id and revocation_author.
type Principal struct {
	ID           string
	Name         string
	ClientID     string
	ClientSecret string
	Role         string // "viewer", "contributor" or "admin"
}

// StateFileName is the file in the data directory that tells `localhcp env`
// where a running server listens.
const StateFileName = "server.json"

// State is the content of StateFileName.
type State struct {
	Address string `json:"address"`
	URL     string `json:"url"`
	PID     int    `json:"pid"`
}

// Server is a running localhcp.
type Server struct {
	opts      Options
	db        *store.DB
	handler   *httpapi.Handler
	http      *http.Server
	listener  net.Listener
	addr      string
	seeded    *seeded
	issuerKey *ecdsa.PrivateKey // the built-in OIDC issuer's (CONTRACT.md §14.3)
	lock      *dirLock
	closeOnce sync.Once
	closeErr  error
	served    chan struct{}
}

// Start opens the store, seeds it and listens; the server accepts requests
// when Start returns.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	lock, err := claimDataDir(opts.DataDir)
	if err != nil {
		return nil, err
	}
	cert, err := certificate(opts.DataDir)
	if err != nil {
		_ = lock.release() // the error that stopped the start matters more
		return nil, err
	}
	key, err := issuerKey(opts.DataDir)
	if err != nil {
		_ = lock.release() // the error that stopped the start matters more
		return nil, err
	}
	db, err := store.Open(opts.DataDir)
	if err != nil {
		_ = lock.release() // the error that stopped the start matters more
		return nil, err
	}
	s := &Server{opts: opts, db: db, issuerKey: key, lock: lock, served: make(chan struct{})}
	if err := s.prepare(cert); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// claimDataDir creates dir, checks that no other user can write it, locks
// it and removes the state file a crashed server left behind, so that
// `localhcp env` never reads the address of a dead server once this one
// starts. "" (in memory) needs none of this.
func claimDataDir(dir string) (*dirLock, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	if err := checkPrivate(dir, "data directory", redirectRisk); err != nil {
		return nil, err
	}
	lock, err := lockDataDir(dir)
	if err != nil {
		return nil, err
	}
	if err := removeState(dir); err != nil {
		_ = lock.release() // the error that stopped the start matters more
		return nil, fmt.Errorf("remove the stale %s: %w", filepath.Join(dir, StateFileName), err)
	}
	return lock, nil
}

func (s *Server) prepare(cert tls.Certificate) error {
	ctx := context.Background()
	err := s.db.UpdateTx(ctx, func(tx *store.Tx) error {
		var err error
		if s.seeded, err = seed(tx, s.opts, s.opts.Now()); err != nil {
			return err
		}
		return trustBuiltinIssuer(tx, s.issuerKey)
	})
	if err != nil {
		return fmt.Errorf("seed localhcp: %w", err)
	}
	svc := registry.New(s.db, s.opts.Now)
	for _, p := range s.seeded.projects {
		if err := svc.EnsureRegistry(ctx, p.ID); err != nil {
			return fmt.Errorf("provision the registry of project %s: %w", p.ID, err)
		}
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another address with --addr)", s.opts.Addr, err)
	}
	s.listener = ln
	s.addr = ln.Addr().String()
	s.handler, err = httpapi.New(httpapi.Config{
		Service: svc, DB: s.db, Organization: s.seeded.org, Projects: s.seeded.projects,
		BaseURL: s.URL(), TokenTTL: s.opts.TokenTTL, Now: s.opts.Now, Logger: s.opts.Logger,
	})
	if err != nil {
		ln.Close()
		return err
	}
	s.handler.SetFaults(httpapi.Faults(s.opts.Faults))
	t := s.opts.Timeouts.withDefaults()
	s.http = &http.Server{
		Handler:           s.newPanel(svc).WithAPI(s.handler),
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
	tlsLn := jsonErrorListener{tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})}
	go func() {
		defer close(s.served)
		if err := s.http.Serve(tlsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.opts.Logger.Error("serve", slog.String("error", err.Error()))
		}
	}()
	if s.opts.DataDir != "" {
		return writeState(s.opts.DataDir, State{Address: s.Addr(), URL: s.URL(), PID: os.Getpid()})
	}
	return nil
}

// Addr is the listen address, "127.0.0.1:<port>".
func (s *Server) Addr() string { return s.addr }

// URL is the base URL, "https://127.0.0.1:<port>".
func (s *Server) URL() string { return "https://" + s.addr }

// OrganizationID is the UUID of the single organization.
func (s *Server) OrganizationID() string { return s.seeded.org.ID }

// ProjectID is the UUID of the default (first, oldest) project.
func (s *Server) ProjectID() string { return s.seeded.defaultProjectID }

// ProjectIDs lists every project, oldest first.
func (s *Server) ProjectIDs() []string {
	ids := make([]string, len(s.seeded.projects))
	for i, p := range s.seeded.projects {
		ids[i] = p.ID
	}
	return ids
}

// Principals lists the seeded principals with their credentials, as they
// were at start; principals made through the API are not among them.
func (s *Server) Principals() []Principal {
	out := make([]Principal, len(s.seeded.principals))
	for i, p := range s.seeded.principals {
		out[i] = Principal(p)
	}
	return out
}

// Principal returns the first principal with role, or a zero Principal.
func (s *Server) Principal(role string) Principal {
	for _, p := range s.seeded.principals {
		if p.Role == role {
			return Principal(p)
		}
	}
	return Principal{}
}

// Env returns the HCP_* variables ("KEY=value") a client needs to act as the
// first principal of role. Without such a principal the credential
// variables are left out.
func (s *Server) Env(role string) []string {
	return s.EnvFor(s.Principal(role))
}

// EnvFor returns the HCP_* variables a client needs to act as principal p,
// seeded or created through the IAM API, in the default project.
func (s *Server) EnvFor(p Principal) []string {
	return envFor(s.Addr(), s.OrganizationID(), s.ProjectID(), p)
}

func envFor(addr, orgID, projectID string, p Principal) []string {
	env := []string{
		"HCP_AUTH_URL=https://" + addr,
		"HCP_AUTH_TLS=insecure",
		"HCP_API_ADDRESS=" + addr,
		"HCP_API_TLS=insecure",
	}
	if p.ClientID != "" {
		env = append(env, "HCP_CLIENT_ID="+p.ClientID, "HCP_CLIENT_SECRET="+p.ClientSecret)
	}
	return append(env, "HCP_ORGANIZATION_ID="+orgID, "HCP_PROJECT_ID="+projectID)
}

// SetFaults changes fault injection at run time.
func (s *Server) SetFaults(f Faults) { s.handler.SetFaults(httpapi.Faults(f)) }

// FaultCounts is how many answers fault injection has replaced.
type FaultCounts struct {
	TooManyRequests int64 // 429 answers
	Unavailable     int64 // 503 answers
}

// InjectedFaults returns how many answers fault injection has replaced
// since Start, so a resilience test can show that faults happened.
func (s *Server) InjectedFaults() FaultCounts { return FaultCounts(s.handler.InjectedFaults()) }

// Close stops listening, waits briefly for requests in flight and closes
// the database.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var errs []error
		if s.http != nil {
			if err := s.http.Shutdown(ctx); err != nil {
				errs = append(errs, s.http.Close())
			}
			<-s.served
		} else if s.listener != nil {
			errs = append(errs, s.listener.Close())
		}
		if s.opts.DataDir != "" {
			errs = append(errs, removeState(s.opts.DataDir))
		}
		errs = append(errs, s.db.Close(), s.lock.release())
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// RequestCounts returns how many HTTP requests the server received since it
// started, by endpoint action (e.g. "packer.channels.get",
// "resourcemanager.projects.get"), plus "oauth2.token" for token requests,
// "iam.workloadidentityproviders.exchangetoken" for token exchanges,
// "fault.injected" for answers replaced by fault injection and "other" for
// requests no endpoint served. Keys with no request are absent.
func (s *Server) RequestCounts() map[string]int64 { return s.handler.RequestCounts() }

// RequestCount returns the total number of HTTP requests the server
// received since it started, token requests included.
func (s *Server) RequestCount() int64 {
	var n int64
	for _, c := range s.RequestCounts() {
		n += c
	}
	return n
}
