package resilience

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// startLocalHCP starts a localhcp of the test's own, apart from the
// acceptance harness's, so the test controls its clock and principals.
func startLocalHCP(t *testing.T, opts localhcp.Options) *localhcp.Server {
	t.Helper()
	srv, err := localhcp.Start(opts)
	if err != nil {
		t.Fatalf("start localhcp: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("stop localhcp: %v", err)
		}
	})
	return srv
}

// wantRefused checks that err is an API answer with the HTTP status and gRPC
// code, and returns its message.
func wantRefused(t *testing.T, what string, err error, status, code int) string {
	t.Helper()
	var refused *apiError
	if !errors.As(err, &refused) || refused.Status != status || (code != 0 && refused.Code != code) {
		t.Fatalf("%s: got %v, want HTTP %d with code %d", what, err, status, code)
	}
	return refused.Message
}

// TestSecurity_tokensAreBoundToTheirPrincipal checks that an access token
// grants exactly its own principal's role: tokens are unique and not
// derived from the credentials, credentials cannot be mixed across
// principals, a viewer's token cannot write while a contributor's tokens
// are in use at the same moment, and an altered token is refused.
func TestSecurity_tokensAreBoundToTheirPrincipal(t *testing.T) {
	t.Parallel()
	srv := startLocalHCP(t, localhcp.Options{})
	api := newRawAPI(srv.URL(), srv.OrganizationID(), srv.ProjectID())
	ctx := context.Background()
	contributor, viewer := srv.Principal("contributor"), srv.Principal("viewer")

	// Every grant yields a new, unguessable token.
	seen := map[string]bool{}
	for _, p := range []localhcp.Principal{contributor, viewer} {
		for range 20 {
			tok, err := api.fetchToken(ctx, p.ClientID, p.ClientSecret)
			if err != nil {
				t.Fatalf("token for %s: %v", p.Name, err)
			}
			if seen[tok] {
				t.Fatalf("a token was handed out twice")
			}
			seen[tok] = true
			// 32 random bytes, base64url: 43 characters, 256 bits.
			if len(tok) < 43 || strings.Contains(tok, p.ClientID) || strings.Contains(tok, p.ClientSecret) {
				t.Fatalf("token of %s is %d characters or embeds its credentials", p.Name, len(tok))
			}
		}
	}

	// One principal's id with another's secret gets nothing.
	for _, mixed := range []struct{ id, secret string }{
		{viewer.ClientID, contributor.ClientSecret},
		{contributor.ClientID, viewer.ClientSecret},
		{contributor.ClientID, ""},
		{"", contributor.ClientSecret},
	} {
		_, err := api.fetchToken(ctx, mixed.id, mixed.secret)
		wantRefused(t, fmt.Sprintf("token for client id %q with another secret", mixed.id), err, http.StatusUnauthorized, 0)
	}

	contributorToken, err := api.fetchToken(ctx, contributor.ClientID, contributor.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	viewerToken, err := api.fetchToken(ctx, viewer.ClientID, viewer.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	api.token = contributorToken
	if err := api.call(ctx, http.MethodPut, "/buckets", map[string]any{"name": "shared"}, nil); err != nil {
		t.Fatal(err)
	}

	// Both principals write at once; only the contributor's writes land,
	// each recorded as the contributor's.
	const writers, writesEach = 16, 5
	var wg sync.WaitGroup
	failures := make(chan string, writers*writesEach)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token, role := contributorToken, "contributor"
			if w%2 == 0 {
				token, role = viewerToken, "viewer"
			}
			for i := range writesEach {
				name := fmt.Sprintf("%s-%d-%d", role, w, i)
				var out struct {
					Channel wireChannel `json:"channel"`
				}
				err := api.callWithToken(ctx, token, http.MethodPost, api.packer+"/buckets/shared/channels", map[string]any{"name": name}, &out)
				var refused *apiError
				switch {
				case role == "viewer" && (!errors.As(err, &refused) || refused.Status != http.StatusForbidden || refused.Code != 7 ||
					!strings.Contains(refused.Message, `principal "viewer"`)):
					failures <- fmt.Sprintf("the viewer's write of channel %s answered %v, want 403 naming the viewer", name, err)
				case role == "contributor" && err != nil:
					failures <- fmt.Sprintf("the contributor's write of channel %s failed: %v", name, err)
				case role == "contributor" && out.Channel.AuthorID != contributor.ID:
					failures <- fmt.Sprintf("channel %s was recorded as written by %q, want the contributor %q", name, out.Channel.AuthorID, contributor.ID)
				}
			}
		}()
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	channels, err := api.listChannels(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if want := writers / 2 * writesEach; len(channels) != want+1 { // and latest
		t.Errorf("bucket shared has %d channels, want the contributor's %d and latest", len(channels), want)
	}
	for _, ch := range channels {
		if strings.HasPrefix(ch.Name, "viewer-") {
			t.Errorf("the viewer's channel %q exists", ch.Name)
		}
	}
	// The viewer may still read.
	if err := api.callWithToken(ctx, viewerToken, http.MethodGet, api.packer+"/buckets/shared", nil, nil); err != nil {
		t.Errorf("the viewer cannot read: %v", err)
	}

	// A token is accepted only exactly as issued, and only as a bearer.
	last := contributorToken[len(contributorToken)-1]
	flipped := "A"
	if last == 'A' {
		flipped = "B"
	}
	for name, authorization := range map[string]string{
		"last character changed": "Bearer " + contributorToken[:len(contributorToken)-1] + flipped,
		"truncated":              "Bearer " + contributorToken[:len(contributorToken)-1],
		"extended":               "Bearer " + contributorToken + "A",
		"upper-cased":            "Bearer " + strings.ToUpper(contributorToken),
		"as a Basic credential":  "Basic " + contributorToken,
		"without a scheme":       contributorToken,
	} {
		err := api.callWithAuthorization(ctx, authorization, http.MethodGet, api.packer+"/buckets", nil, nil)
		wantRefused(t, "a token "+name, err, http.StatusUnauthorized, 16)
	}
}

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestSecurity_expiredTokensAreRefused moves localhcp's clock past a token's
// lifetime: from that instant on, the token neither reads nor writes, a
// write it attempted has no effect, and a restart on the same data does not
// revive it.
func TestSecurity_expiredTokensAreRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clk := &testClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	const ttl = 10 * time.Minute
	opts := localhcp.Options{DataDir: dir, Now: clk.Now, TokenTTL: ttl}
	srv := startLocalHCP(t, opts)
	api := newRawAPI(srv.URL(), srv.OrganizationID(), srv.ProjectID())
	ctx := context.Background()
	p := srv.Principal("contributor")
	if err := api.authenticate(ctx, p.ClientID, p.ClientSecret); err != nil {
		t.Fatal(err)
	}
	expiring := api.token

	clk.Advance(ttl - time.Millisecond)
	if err := api.call(ctx, http.MethodPut, "/buckets", map[string]any{"name": "before-expiry"}, nil); err != nil {
		t.Fatalf("a write one millisecond before expiry: %v", err)
	}

	clk.Advance(time.Millisecond)
	msg := wantRefused(t, "a read at the instant of expiry", api.call(ctx, http.MethodGet, "/buckets", nil, nil), http.StatusUnauthorized, 16)
	if !strings.Contains(msg, "expired") {
		t.Errorf("the refusal %q does not say the token expired", msg)
	}
	wantRefused(t, "a write after expiry", api.call(ctx, http.MethodPut, "/buckets", map[string]any{"name": "after-expiry"}, nil), http.StatusUnauthorized, 16)

	// Restart on the same data: the token stays expired, a new one works,
	// and the refused write left nothing behind.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv = startLocalHCP(t, opts)
	api = newRawAPI(srv.URL(), srv.OrganizationID(), srv.ProjectID())
	wantRefused(t, "the expired token after a restart",
		api.callWithToken(ctx, expiring, http.MethodGet, api.packer+"/buckets", nil, nil), http.StatusUnauthorized, 16)
	if err := api.authenticate(ctx, p.ClientID, p.ClientSecret); err != nil {
		t.Fatal(err)
	}
	if err := api.call(ctx, http.MethodGet, "/buckets/before-expiry", nil, nil); err != nil {
		t.Errorf("the write made before expiry is gone: %v", err)
	}
	wantRefused(t, "reading the bucket the expired token tried to create",
		api.call(ctx, http.MethodGet, "/buckets/after-expiry", nil, nil), http.StatusNotFound, 5)
}
