package panel_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/panel"
)

func TestEveryPageNeedsASignIn(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	b := s.browser(t)
	for _, path := range []string{
		"/panel/", s.projectPath(""), s.projectPath("health"), s.projectPath("buckets/base/"),
		s.projectPath("buckets/base/ancestry"), s.projectPath("buckets/base/versions/" + fp(1)),
		s.projectPath("buckets/base/channels/latest"), s.projectPath("buckets/base/versions/" + fp(1) + "/revoke"),
	} {
		pg := b.get(path)
		pg.mustHave(t, http.StatusOK, "Sign in to localhcp")
		if pg.url != "/panel/login" {
			t.Errorf("GET %s ended at %s, want the sign-in page", path, pg.url)
		}
	}
	pg := b.post(s.projectPath("buckets/base/versions/"+fp(1)+"/revoke"), url.Values{"when": {"now"}})
	pg.mustHave(t, http.StatusOK, "Your session has expired")
	assertStatus(t, s, fp(1), "VERSION_ACTIVE")
}

func TestSignInWithClientCredentials(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	b := s.browser(t)
	login := b.get("/panel/login")
	token := csrfField.FindStringSubmatch(login.body)[1]
	wrong := b.post("/panel/login", url.Values{"csrf": {token}, "client_id": {s.contributor.ClientID}, "client_secret": {"nope"}})
	wrong.mustHave(t, http.StatusUnauthorized, "Unknown client id or wrong client secret")
	unknown := b.post("/panel/login", url.Values{"csrf": {token}, "client_id": {"nobody"}, "client_secret": {s.contributor.ClientSecret}})
	unknown.mustHave(t, http.StatusUnauthorized, "Unknown client id or wrong client secret")

	pg := b.signIn(s.contributor)
	pg.mustHave(t, http.StatusOK, "Buckets of default", "ci-contributor", "contributor")
}

func TestSignInFormNeedsItsCSRFCookie(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	b := s.browser(t)
	// A form posted from elsewhere carries no cookie of this panel.
	pg := b.post("/panel/login", url.Values{"csrf": {"forged"}, "client_id": {s.contributor.ClientID}, "client_secret": {s.contributor.ClientSecret}})
	pg.mustHave(t, http.StatusForbidden, "did not come from this panel")
	b.get("/panel/login")
	pg = b.post("/panel/login", url.Values{"csrf": {"forged"}, "client_id": {s.contributor.ClientID}, "client_secret": {s.contributor.ClientSecret}})
	pg.mustHave(t, http.StatusForbidden, "did not come from this panel")
}

func TestSessionCookieAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	b := s.browser(t)
	login := b.get("/panel/login")
	token := csrfField.FindStringSubmatch(login.body)[1]
	b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	pg := b.post("/panel/login", url.Values{"csrf": {token}, "client_id": {s.viewer.ClientID}, "client_secret": {s.viewer.ClientSecret}})
	if pg.status != http.StatusSeeOther {
		t.Fatalf("sign-in answered %d, want 303", pg.status)
	}
	var session string
	for _, c := range pg.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "__Host-localhcp-panel=") {
			session = c
		}
	}
	for _, attr := range []string{"HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=7200"} {
		if !strings.Contains(session, attr) {
			t.Errorf("session cookie %q lacks %s", session, attr)
		}
	}
	for name, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	} {
		if got := pg.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestSessionExpiresOnTheServerClock(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	b := s.signedIn(t, s.viewer)
	s.clock.Advance(2*time.Hour - time.Second)
	b.get(s.projectPath("")).mustHave(t, http.StatusOK, "Buckets of default")
	s.clock.Advance(time.Second)
	pg := b.get(s.projectPath(""))
	pg.mustHave(t, http.StatusOK, "Sign in to localhcp")
	if pg.url != "/panel/login" {
		t.Errorf("an expired session opened %s", pg.url)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	b := s.signedIn(t, s.viewer)
	b.post("/panel/logout", url.Values{}).mustHave(t, http.StatusOK, "Sign in to localhcp")
	if pg := b.get(s.projectPath("")); pg.url != "/panel/login" {
		t.Errorf("after sign-out GET ended at %s", pg.url)
	}
}

func TestLoginLinkWorksOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	link, err := panel.NewLoginLink(context.Background(), s.db, s.srv.URL, s.contributor.ID, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, s.srv.URL)
	if !strings.HasPrefix(path, "/panel/login/link?token=") {
		t.Fatalf("link %s is not a panel login link", link)
	}
	s.browser(t).get(path).mustHave(t, http.StatusOK, "Buckets of default", "ci-contributor")
	again := s.browser(t).get(path)
	again.mustHave(t, http.StatusUnauthorized, "already used")
}

func TestLoginLinkIsReplacedByANewerOne(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	old, _ := panel.NewLoginLink(ctx, s.db, s.srv.URL, s.viewer.ID, s.clock.Now())
	fresh, _ := panel.NewLoginLink(ctx, s.db, s.srv.URL, s.viewer.ID, s.clock.Now())
	s.browser(t).get(strings.TrimPrefix(old, s.srv.URL)).mustHave(t, http.StatusUnauthorized, "replaced by a newer one")
	s.browser(t).get("/panel/login/link?token=guess").mustHave(t, http.StatusUnauthorized, "already used")
	s.browser(t).get(strings.TrimPrefix(fresh, s.srv.URL)).mustHave(t, http.StatusOK, "ci-viewer")
}

func TestLoginLinkExpires(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	link, _ := panel.NewLoginLink(context.Background(), s.db, s.srv.URL, s.viewer.ID, s.clock.Now())
	s.clock.Advance(panel.LoginLinkTTL)
	s.browser(t).get(strings.TrimPrefix(link, s.srv.URL)).mustHave(t, http.StatusUnauthorized, "has expired")
}

func TestNextStaysInsideThePanel(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for next, want := range map[string]string{
		s.projectPath("health"): s.projectPath("health"),
		"https://example.com/":  "/panel/projects/" + projectID + "/",
		"//example.com/panel/":  "/panel/projects/" + projectID + "/",
	} {
		b := s.browser(t)
		login := b.get("/panel/login?next=" + url.QueryEscape(next))
		token := csrfField.FindStringSubmatch(login.body)[1]
		pg := b.post("/panel/login", url.Values{"csrf": {token}, "next": {next}, "client_id": {s.viewer.ClientID}, "client_secret": {s.viewer.ClientSecret}})
		if pg.url != want {
			t.Errorf("next=%s: signed in at %s, want %s", next, pg.url, want)
		}
	}
}

func TestSigningInAgainEndsTheEarlierSession(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	b := s.signedIn(t, s.viewer)
	panelURL, _ := url.Parse(s.srv.URL + "/panel/")
	earlier := b.c.Jar.Cookies(panelURL)
	b.signIn(s.contributor)

	stale := s.browser(t)
	stale.c.Jar.SetCookies(panelURL, earlier)
	if pg := stale.get(s.projectPath("")); pg.url != "/panel/login" {
		t.Errorf("the earlier session still opens %s", pg.url)
	}
	b.get(s.projectPath("")).mustHave(t, http.StatusOK, "ci-contributor")
}
