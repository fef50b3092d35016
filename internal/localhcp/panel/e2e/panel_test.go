//go:build e2e

package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// outputDir is where the screenshots land (git-ignored).
const outputDir = "test-output"

// scriptLabel is a bucket label that would run if the panel did not escape it.
const scriptLabel = "<script>alert('owned')</script>"

// newBrowser starts a headless Chromium with a fresh profile that stops
// with the test. The flags keep it off the network: without the
// background-networking ones a closed network refuses its many calls home.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not on PATH (%v): install it with `apt-get install -y chromium`; `make e2e` needs a real browser", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// localhcp's certificate is self-signed.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// tab is one browser tab with its own cookies.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// newTab opens a tab in a fresh browser context: no cookie is shared with
// other tabs.
func newTab(t *testing.T, browser context.Context) *tab {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return &tab{t: t, ctx: ctx}
}

func (b *tab) open(url string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
	return resp.Status
}

// click clicks the element and waits for the page it loads.
func (b *tab) click(css string) int64 {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("click %s: %v", css, err)
	}
	return resp.Status
}

func (b *tab) fill(css, value string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(css), value)); err != nil {
		b.t.Fatalf("fill %s: %v", css, err)
	}
}

func (b *tab) text(css string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("read %s: %v", css, err)
	}
	return s
}

// expect checks that the element's text holds every fragment.
func (b *tab) expect(css string, fragments ...string) {
	b.t.Helper()
	got := b.text(css)
	for _, f := range fragments {
		if !strings.Contains(got, f) {
			b.t.Errorf("%s reads %q, which lacks %q", css, got, f)
		}
	}
}

// shot saves a full-page PNG screenshot under outputDir.
func (b *tab) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(outputDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outputDir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func mustStatus(t *testing.T, what string, got, want int64) {
	t.Helper()
	if got != want {
		t.Fatalf("%s answered %d, want %d", what, got, want)
	}
}

// seed publishes two versions of golden-base the way Packer does, the
// first one on channel production.
func seed(t *testing.T, srv *localhcp.Server) (v1, v2 string) {
	t.Helper()
	env := srv.Env("contributor")
	opts := publish.Options{
		Bucket: "golden-base", BucketDescription: "Debian 12 base image, hardened",
		BucketLabels: map[string]string{"owner": scriptLabel, "os": "debian"},
		Channels:     []string{"production"}, CreateChannels: true,
		Builds: []publish.Build{
			{ComponentType: "amazon-ebs.base", Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0a1b2c3d4e5f00001"},
			{ComponentType: "azure-arm.base", Platform: "azure", Region: "westeurope", ExternalIdentifier: "golden-base-1"},
		},
	}
	first, err := publish.Publish(t.Context(), env, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Channels, opts.CreateChannels = nil, false
	opts.Builds[0].ExternalIdentifier, opts.Builds[1].ExternalIdentifier = "ami-0a1b2c3d4e5f00002", "golden-base-2"
	second, err := publish.Publish(t.Context(), env, opts)
	if err != nil {
		t.Fatal(err)
	}
	return first.Fingerprint, second.Fingerprint
}

func TestPanelInABrowser(t *testing.T) {
	srv, err := localhcp.Start(localhcp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	v1, v2 := seed(t, srv)
	browser := newBrowser(t)
	bucket := srv.PanelURL() + "projects/" + srv.ProjectID() + "/buckets/golden-base/"

	t.Run("contributor promotes and revokes", func(t *testing.T) {
		b := newTab(t, browser)
		link, err := srv.PanelLoginLink("contributor")
		if err != nil {
			t.Fatal(err)
		}
		mustStatus(t, "the login link", b.open(link), http.StatusOK)
		b.expect("header", srv.Principal("contributor").Name)
		b.expect("main", "Buckets of default", "golden-base", "Debian 12 base image, hardened", "v2")

		// The label is text: no script element exists, and the label
		// shows its angle brackets.
		scripts, err := chromedp.Run(b.ctx, chromedp.Evaluate[int]("document.querySelectorAll('script').length"))
		if err != nil || scripts != 0 {
			t.Errorf("the page holds %d script elements (%v)", scripts, err)
		}
		b.expect("main table", "owner="+scriptLabel)
		b.shot("01-buckets")

		mustStatus(t, "the bucket", b.click(`a[href$="/buckets/golden-base/"]`), http.StatusOK)
		b.expect("main", "Bucket golden-base", "production", "v1", "v2")
		mustStatus(t, "version v2", b.click(`td a[href$="/versions/`+v2+`"]`), http.StatusOK)
		b.expect("main", "v2", "active", "us-east-1", "ami-0a1b2c3d4e5f00002", "westeurope")
		b.shot("02-version")

		mustStatus(t, "the assignment confirmation", b.click(`a[href*="/channels/production/assign"]`), http.StatusOK)
		b.expect("main h1", "Assign v2 to channel production?")
		mustStatus(t, "the assignment", b.click(`main form button[type=submit]`), http.StatusOK)
		b.expect(".flash", "Channel production now serves v2.")
		b.expect(".serving", "v2", "active")
		b.shot("03-channel-promoted")

		mustStatus(t, "version v2", b.click(`.serving a[href$="/versions/`+v2+`"]`), http.StatusOK)
		mustStatus(t, "the revocation form", b.click(`a[href$="/revoke"]`), http.StatusOK)
		b.expect("main", "Revoke v2 of golden-base?", "production")
		b.fill(`textarea[name=message]`, "CVE-2026-0001: openssl")
		mustStatus(t, "the revocation", b.click(`main form button.danger`), http.StatusOK)
		b.expect(".flash", "Revoked v2.")
		b.expect("main h1", "revoked")
		b.expect(".revocation", "CVE-2026-0001: openssl", srv.Principal("contributor").Name)
		b.shot("04-revoked")

		mustStatus(t, "the channel", b.open(bucket+"channels/production"), http.StatusOK)
		b.expect(".serving", "v1", "active")
		b.expect(".timeline", "v1", "v2")
		b.shot("05-channel-rolled-back")

		mustStatus(t, "the bucket", b.open(bucket), http.StatusOK)
		b.expect("main", "revoked", "CVE-2026-0001: openssl")
		b.shot("06-bucket")
	})

	t.Run("viewer is refused", func(t *testing.T) {
		b := newTab(t, browser)
		viewer := srv.Principal("viewer")
		mustStatus(t, "the sign-in page", b.open(srv.PanelURL()+"login"), http.StatusOK)
		b.fill(`input[name=client_id]`, viewer.ClientID)
		b.fill(`input[name=client_secret]`, viewer.ClientSecret)
		mustStatus(t, "the sign-in", b.click(`main form button[type=submit]`), http.StatusOK)
		b.expect("header", viewer.Name, "viewer")

		mustStatus(t, "version v1", b.open(bucket+"versions/"+v1), http.StatusOK)
		b.expect("main", "can look but not act")
		mustStatus(t, "the viewer's revocation", b.click(`a[href$="/revoke"]`), http.StatusForbidden)
		b.expect(".error", "Refused", viewer.Name, "role viewer", "may not packer.versions.update")
		b.shot("07-viewer-refused")

		mustStatus(t, "version v1", b.open(bucket+"versions/"+v1), http.StatusOK)
		b.expect("main h1", "active")
	})
}
