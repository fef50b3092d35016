package panel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// pageBudget is the server time a page may take with 1,000 versions in a
// bucket.
const pageBudget = 50 * time.Millisecond

// BenchmarkPages renders every view of a bucket holding 1,000 versions
// (each with two platforms), whose `latest` channel has 1,000 assignments,
// and fails when a page takes longer than pageBudget on average. It calls
// the panel's handler directly, so the time is the server's alone.
func BenchmarkPages(b *testing.B) {
	s := newStack(b)
	const versions = 1000
	for i := 1; i <= versions; i++ {
		s.publish(b, "base", fp(i), "aws", "azure")
	}
	s.stable(b, fp(500))
	if _, _, err := s.svc.UpdateVersion(context.Background(), s.loc, s.contributor.ID, "base", fp(500),
		registry.VersionUpdate{RevokeIn: "30d", RevocationMessage: "superseded"}); err != nil {
		b.Fatal(err)
	}
	cookies := signedInCookies(b, s)

	for _, page := range []struct{ name, path string }{
		{"buckets", s.projectPath("")},
		{"versions-first", s.projectPath("buckets/base/")},
		{"versions-last", s.projectPath("buckets/base/?page=40")},
		{"version", s.projectPath("buckets/base/versions/" + fp(500))},
		{"channel-history", s.projectPath("buckets/base/channels/latest")},
		{"channel-history-far", s.projectPath("buckets/base/channels/latest?page=39")},
		{"ancestry", s.projectPath("buckets/base/ancestry")},
		{"health", s.projectPath("health")},
		{"assign-confirm", s.projectPath("buckets/base/channels/stable/assign?version=" + fp(900))},
		{"revoke-confirm", s.projectPath("buckets/base/versions/" + fp(900) + "/revoke")},
	} {
		path := page.path
		b.Run(page.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "https://localhcp"+path, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.panel.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d\n%s", path, rec.Code, rec.Body)
				}
			}
			perPage := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(perPage.Microseconds())/1000, "ms/page")
			if perPage > pageBudget {
				b.Errorf("GET %s took %s per page, over the %s budget", path, perPage, pageBudget)
			}
		})
	}
}

// signedInCookies signs the contributor in and returns the session cookie.
func signedInCookies(b *testing.B, s *stack) []*http.Cookie {
	br := s.signedIn(b, s.contributor)
	u, _ := url.Parse(s.srv.URL + "/panel/")
	return br.c.Jar.Cookies(u)
}
