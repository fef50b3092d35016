package panel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/hcptoken"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/httpapi"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/panel"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// clock is the test's clock, shared by the registry, the API and the panel.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// stack is the API and the panel over one in-memory registry, served as
// localhcp serves them: the panel beside the API on one HTTPS listener.
type stack struct {
	clock       *clock
	db          *store.DB
	svc         *registry.Service
	panel       *panel.Panel
	srv         *httptest.Server
	loc         registry.Loc
	contributor store.Principal
	viewer      store.Principal
	// baseOwner is a viewer of the organization and a contributor on
	// bucket "base" alone, through a bucket binding.
	baseOwner store.Principal
}

const (
	orgID     = "11111111-1111-4111-8111-111111111111"
	projectID = "22222222-2222-4222-8222-222222222222"
)

func newStack(t testing.TB) *stack {
	t.Helper()
	db, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &stack{
		clock:       &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		db:          db,
		loc:         registry.Loc{OrganizationID: orgID, ProjectID: projectID},
		contributor: store.Principal{ID: "p-contributor", Name: "ci-contributor", ClientID: "contributor-id", ClientSecret: "contributor-secret", Role: httpapi.RoleContributor},
		viewer:      store.Principal{ID: "p-viewer", Name: "ci-viewer", ClientID: "viewer-id", ClientSecret: "viewer-secret", Role: httpapi.RoleViewer},
		baseOwner:   store.Principal{ID: "p-base-owner", Name: "base-owner", ClientID: "base-owner-id", ClientSecret: "base-owner-secret", Role: httpapi.RoleViewer},
	}
	s.svc = registry.New(db, s.clock.Now)
	if err := s.svc.EnsureRegistry(context.Background(), projectID); err != nil {
		t.Fatal(err)
	}
	projects := []store.Project{{ID: projectID, Name: "default", CreatedAt: s.clock.Now()}}
	principals := []store.Principal{s.contributor, s.viewer, s.baseOwner}
	if err := db.UpdateTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.ReplacePrincipals(iam.OrganizationResource(orgID), principals, s.clock.Now()); err != nil {
			return err
		}
		return tx.ReplaceBindings(iam.BucketResource(projectID, "base"), []store.Binding{
			{Resource: iam.BucketResource(projectID, "base"), RoleID: "roles/contributor", MemberID: s.baseOwner.ID, MemberType: "SERVICE_PRINCIPAL"},
		})
	}); err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Config{
		Service: s.svc, DB: db, Organization: httpapi.Organization{ID: orgID, Name: "localhcp"},
		Projects: projects, TokenTTL: time.Hour, Now: s.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.panel = panel.New(panel.Config{
		Service: s.svc, DB: db, OrganizationID: orgID, Projects: projects,
		Principals: principals, Credentials: api, Now: s.clock.Now, SessionTTL: 2 * time.Hour,
	})
	s.srv = httptest.NewTLSServer(s.panel.WithAPI(api))
	t.Cleanup(s.srv.Close)
	return s
}

// publish records a complete version with one done build per platform.
func (s *stack) publish(t testing.TB, bucket, fingerprint string, platforms ...string) *registry.VersionView {
	t.Helper()
	ctx := context.Background()
	if _, err := s.svc.GetBucket(ctx, s.loc, bucket); registry.CodeOf(err) == codes.NotFound {
		if _, err := s.svc.CreateBucket(ctx, s.loc, s.contributor.ID, registry.BucketInput{Name: bucket}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.svc.CreateVersion(ctx, s.loc, s.contributor.ID, bucket, fingerprint, registry.TemplateHCL2); err != nil {
		t.Fatal(err)
	}
	// Every build starts running, so the version completes only when the
	// last one is done.
	var ids []string
	for _, p := range platforms {
		build, err := s.svc.CreateBuild(ctx, s.loc, s.contributor.ID, bucket, fingerprint, registry.BuildInput{
			ComponentType: p + ".example", Platform: p, Status: registry.BuildRunning,
			Artifacts: []registry.ArtifactInput{{ExternalIdentifier: "img-" + p + "-" + fingerprint, Region: "region-" + p}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, build.ID)
	}
	for _, id := range ids {
		if _, err := s.svc.UpdateBuild(ctx, s.loc, s.contributor.ID, bucket, fingerprint, id, registry.BuildInput{Status: registry.BuildDone}); err != nil {
			t.Fatal(err)
		}
	}
	v, err := s.svc.GetVersion(ctx, s.loc, bucket, fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stable creates channel stable of bucket base, on fingerprint.
func (s *stack) stable(t testing.TB, fingerprint string) {
	t.Helper()
	_, err := s.svc.CreateChannel(context.Background(), s.loc, s.contributor.ID, "base", registry.ChannelInput{Name: "stable", VersionFingerprint: fingerprint})
	if err != nil {
		t.Fatal(err)
	}
}

func (s *stack) projectPath(rest string) string { return "/panel/projects/" + projectID + "/" + rest }

// apiGet reads the API as principal, the way an SDK client does.
func (s *stack) apiGet(t testing.TB, p store.Principal, path string, out any) {
	t.Helper()
	c := s.srv.Client()
	tok, err := hcptoken.Fetch(context.Background(), c, s.srv.URL, p.ClientID, p.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/packer/2023-01-01/organizations/"+orgID+"/projects/"+projectID+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// browser is a cookie-keeping client of the panel.
type browser struct {
	t    testing.TB
	s    *stack
	c    *http.Client
	csrf string // the session's token, read from the last page with a form
}

func (s *stack) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	// A client of its own: httptest hands every caller the same one.
	c := &http.Client{Transport: s.srv.Client().Transport, Jar: jar}
	return &browser{t: t, s: s, c: c}
}

// page is one answer of the panel.
type page struct {
	status int
	url    string
	body   string
	header http.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	pg := page{status: resp.StatusCode, url: resp.Request.URL.Path, body: string(body), header: resp.Header}
	if m := csrfField.FindStringSubmatch(pg.body); m != nil && !strings.Contains(pg.url, "/login") {
		b.csrf = m[1]
	}
	return pg
}

func (b *browser) get(path string) page {
	req, _ := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	return b.do(req)
}

// post submits a form with the session's CSRF token unless form sets one.
func (b *browser) post(path string, form url.Values) page {
	if _, set := form["csrf"]; !set {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs in with a principal's client id and secret through the
// sign-in form.
func (b *browser) signIn(p store.Principal) page {
	b.t.Helper()
	login := b.get("/panel/login")
	m := csrfField.FindStringSubmatch(login.body)
	if m == nil {
		b.t.Fatalf("the sign-in page has no CSRF field:\n%s", login.body)
	}
	pg := b.post("/panel/login", url.Values{"csrf": {m[1]}, "client_id": {p.ClientID}, "client_secret": {p.ClientSecret}})
	if pg.status != http.StatusOK || !strings.Contains(pg.body, p.Name) {
		b.t.Fatalf("sign-in as %s: %d at %s\n%s", p.Name, pg.status, pg.url, pg.body)
	}
	return pg
}

// signedIn is a browser in which p has signed in with the sign-in form.
func (s *stack) signedIn(t testing.TB, p store.Principal) *browser {
	b := s.browser(t)
	b.signIn(p)
	return b
}

func (pg page) mustHave(t testing.TB, status int, fragments ...string) {
	t.Helper()
	if pg.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", pg.url, pg.status, status, pg.body)
	}
	for _, f := range fragments {
		if !strings.Contains(pg.body, f) {
			t.Errorf("%s: the page lacks %q\n%s", pg.url, f, pg.body)
		}
	}
}

func (pg page) count(fragment string) int { return strings.Count(pg.body, fragment) }

func fp(i int) string { return fmt.Sprintf("fp-%04d", i) }
