package localhcp_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// openLink follows a login link with a fresh cookie-keeping browser and
// returns the page it lands on.
func openLink(t *testing.T, link string) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServePanelBesideTheAPI(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	srv := startServer(t, localhcp.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	link, err := srv.PanelLoginLink("viewer")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.SplitN(link, "token=", 2)[1]
	if !strings.HasPrefix(link, srv.PanelURL()+"login/link?token=") {
		t.Fatalf("login link %s is not under %s", link, srv.PanelURL())
	}
	status, body := openLink(t, link)
	if status != http.StatusOK || !strings.Contains(body, "Buckets of default") || !strings.Contains(body, srv.Principal("viewer").Name) {
		t.Fatalf("the login link answered %d:\n%s", status, body)
	}
	if _, err := srv.PanelLoginLink("owner"); err == nil || !strings.Contains(err.Error(), `no principal with role "owner"`) {
		t.Errorf("a link for a missing role: %v", err)
	}
	if out := logs.String(); !strings.Contains(out, `msg="panel request" method=GET path=/panel/login/link status=303`) || strings.Contains(out, token) {
		t.Errorf("the request log lacks the panel's line or holds the link's token:\n%s", out)
	}
	// The API counts only its own requests: the panel's are not "other".
	if n := srv.RequestCounts()["other"]; n != 0 {
		t.Errorf("the panel's requests reached the API: %d counted as other", n)
	}
}

func TestEnvMintsALoginLinkTheRunningServerAccepts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startServer(t, localhcp.Options{DataDir: dir})
	link, err := localhcp.LoadPanelLoginLink(context.Background(), dir, "contributor", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, srv.PanelURL()) {
		t.Fatalf("login link %s is not under %s", link, srv.PanelURL())
	}
	status, body := openLink(t, link)
	if status != http.StatusOK || !strings.Contains(body, srv.Principal("contributor").Name) {
		t.Fatalf("the login link answered %d:\n%s", status, body)
	}
	if status, _ := openLink(t, link); status != http.StatusUnauthorized {
		t.Errorf("the link worked twice (%d)", status)
	}
	if _, err := localhcp.LoadPanelLoginLink(context.Background(), t.TempDir(), "contributor", 0); err == nil || !strings.Contains(err.Error(), "no localhcp is running") {
		t.Errorf("a link from a directory without a server: %v", err)
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
