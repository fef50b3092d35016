package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

func TestAnswerCacheConditions(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var c answerCache
	c.put("k", keptAnswer{body: []byte("a"), generation: 7, from: t0, until: t0.Add(time.Hour)})
	c.put("open", keptAnswer{body: []byte("b"), generation: 7, from: t0})
	for _, tc := range []struct {
		name string
		key  string
		gen  uint64
		now  time.Time
		hit  bool
	}{
		{"same generation, in time", "k", 7, t0.Add(time.Minute), true},
		{"at the moment of the read", "k", 7, t0, true},
		{"the pending revocation is due", "k", 7, t0.Add(time.Hour), false},
		{"the clock went back before the read", "k", 7, t0.Add(-time.Second), false},
		{"no pending revocation: no end", "open", 7, t0.Add(1000 * time.Hour), true},
		{"never kept", "other", 7, t0, false},
		{"a read that began before the answer's generation", "k", 6, t0, false},
		{"a write ended since", "k", 8, t0.Add(time.Minute), false},
		{"after a write, nothing of the older generation", "open", 7, t0, false},
	} {
		if _, hit := c.get(tc.key, tc.gen, tc.now); hit != tc.hit {
			t.Errorf("%s: hit = %t, want %t", tc.name, hit, tc.hit)
		}
	}
	if len(c.answers) != 0 || c.bytes != 0 {
		t.Fatalf("after a newer generation the cache still holds %d answers, %d bytes", len(c.answers), c.bytes)
	}
	c.put("late", keptAnswer{body: []byte("c"), generation: 7, from: t0})
	if _, hit := c.get("late", 7, t0); hit {
		t.Fatal("an answer of an older generation was kept after a newer one was seen")
	}
}

// keptBytes recounts what the cache holds, independently of its own
// accounting.
func keptBytes(c *answerCache) int {
	n := 0
	for k, a := range c.answers {
		n += len(k) + len(a.body)
	}
	return n
}

func TestAnswerCacheStaysWithinItsByteBound(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var c answerCache
	body := make([]byte, maxKeptAnswerBytes-64)
	for i := range 4 * maxKeptBytes / maxKeptAnswerBytes {
		c.put(fmt.Sprintf("answer %d", i), keptAnswer{body: body, generation: 1, from: t0})
		if held := keptBytes(&c); held != c.bytes || held > maxKeptBytes {
			t.Fatalf("after %d answers the cache holds %d bytes (accounted %d), bound %d", i+1, held, c.bytes, maxKeptBytes)
		}
	}
	if len(c.answers) == 0 {
		t.Fatal("the cache kept nothing")
	}
	c.put("huge", keptAnswer{body: make([]byte, maxKeptAnswerBytes+1), generation: 1, from: t0})
	if _, hit := c.get("huge", 1, t0); hit {
		t.Fatal("an answer over maxKeptAnswerBytes was kept")
	}
}

// handlerFixture is a Handler over an in-memory store on a test clock,
// with one contributor and its token.
type handlerFixture struct {
	t     *testing.T
	h     *Handler
	svc   *registry.Service
	loc   registry.Loc
	token string

	mu  sync.Mutex
	now time.Time
}

func (f *handlerFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *handlerFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func newHandlerFixture(t *testing.T) *handlerFixture {
	t.Helper()
	db, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &handlerFixture{t: t, now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	f.svc = registry.New(db, f.clock)
	project := store.Project{ID: "11111111-1111-4111-8111-111111111111", Name: "default", CreatedAt: f.now}
	org := Organization{ID: "22222222-2222-4222-8222-222222222222", Name: "org", CreatedAt: f.now}
	if err := f.svc.EnsureRegistry(context.Background(), project.ID); err != nil {
		t.Fatal(err)
	}
	principal := store.Principal{ID: "p1", Name: "ci", ClientID: "cid", ClientSecret: "secret", Role: "contributor"}
	err = db.UpdateTx(context.Background(), func(tx *store.Tx) error {
		return tx.ReplacePrincipals(iam.OrganizationResource(org.ID), []store.Principal{principal}, f.now)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.loc = registry.Loc{OrganizationID: org.ID, ProjectID: project.ID}
	f.h, err = New(Config{Service: f.svc, DB: db, Organization: org, Projects: []store.Project{project},
		BaseURL: "https://127.0.0.1:1", TokenTTL: 10000 * time.Hour, Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}

	req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("cid", "secret")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	f.token = tok.AccessToken
	return f
}

// get reads path under the project and returns the status and body.
func (f *handlerFixture) get(path string) (int, string) {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/packer/2023-01-01/organizations/"+f.loc.OrganizationID+"/projects/"+f.loc.ProjectID+path, nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// publish records a complete version with one build in bucket.
func (f *handlerFixture) publish(bucket, fingerprint string) {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.svc.GetBucket(ctx, f.loc, bucket); err != nil {
		if _, err := f.svc.CreateBucket(ctx, f.loc, "p1", registry.BucketInput{Name: bucket}); err != nil {
			f.t.Fatal(err)
		}
	}
	if _, err := f.svc.CreateVersion(ctx, f.loc, "p1", bucket, fingerprint, "HCL2"); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.CreateBuild(ctx, f.loc, "p1", bucket, fingerprint, registry.BuildInput{
		ComponentType: "null.example", Platform: "aws", Status: registry.BuildDone,
		Artifacts: []registry.ArtifactInput{{ExternalIdentifier: "ami-" + fingerprint, Region: "us-east-1"}},
	}); err != nil {
		f.t.Fatal(err)
	}
}

func TestRepeatedReadsComeFromTheCacheUntilAWrite(t *testing.T) {
	t.Parallel()
	f := newHandlerFixture(t)
	ctx := context.Background()
	f.publish("web", "fp1")
	f.publish("web", "fp2")
	if _, err := f.svc.CreateChannel(ctx, f.loc, "p1", "web", registry.ChannelInput{Name: "stable", VersionFingerprint: "fp1"}); err != nil {
		t.Fatal(err)
	}

	st, first := f.get("/buckets/web/channels/stable")
	if st != 200 || !strings.Contains(first, `"fingerprint":"fp1"`) {
		t.Fatalf("first read: %d %s", st, first)
	}
	_, second := f.get("/buckets/web/channels/stable")
	if second != first || f.h.answers.hits.Load() != 1 {
		t.Fatalf("second read: hits %d, same answer %t; want it served from the cache", f.h.answers.hits.Load(), second == first)
	}

	if _, err := f.svc.UpdateChannel(ctx, f.loc, "p1", "web", "stable",
		registry.ChannelUpdate{Mask: "versionFingerprint", VersionFingerprint: "fp2"}); err != nil {
		t.Fatal(err)
	}
	_, after := f.get("/buckets/web/channels/stable")
	if !strings.Contains(after, `"fingerprint":"fp2"`) {
		t.Fatalf("read after the assignment: %s, want fp2", after)
	}
	if f.h.answers.hits.Load() != 1 {
		t.Fatal("the read after a write was served from the cache")
	}

	// Failures are never kept.
	for range 2 {
		if st, _ := f.get("/buckets/web/channels/nope"); st != 404 {
			t.Fatalf("missing channel answered %d", st)
		}
	}
	if f.h.answers.hits.Load() != 1 {
		t.Fatal("a 404 was served from the cache")
	}
	// Reads that are not kept run every time.
	f.get("/buckets/web/versions")
	f.get("/buckets/web/versions")
	if f.h.answers.hits.Load() != 1 {
		t.Fatal("ListVersions was served from the cache")
	}
}

func TestCachedReadsFollowScheduledRevocations(t *testing.T) {
	t.Parallel()
	f := newHandlerFixture(t)
	ctx := context.Background()
	f.publish("app", "fp1")
	f.publish("app", "fp2")
	at := f.clock().Add(time.Hour)
	if _, _, err := f.svc.UpdateVersion(ctx, f.loc, "p1", "app", "fp2", registry.VersionUpdate{RevokeAt: &at}); err != nil {
		t.Fatal(err)
	}

	for range 2 {
		_, v := f.get("/buckets/app/versions/fp2")
		if !strings.Contains(v, "VERSION_REVOCATION_SCHEDULED") {
			t.Fatalf("before the revocation: %s", v)
		}
		_, latest := f.get("/buckets/app/channels/latest")
		if !strings.Contains(latest, `"fingerprint":"fp2"`) {
			t.Fatalf("latest before the revocation: %s", latest)
		}
	}
	if f.h.answers.hits.Load() != 2 {
		t.Fatalf("hits = %d, want the second pair of reads from the cache", f.h.answers.hits.Load())
	}

	f.advance(time.Hour) // the revocation takes effect, with no write
	_, v := f.get("/buckets/app/versions/fp2")
	if !strings.Contains(v, "VERSION_REVOKED") {
		t.Fatalf("after the revocation time: %s, want VERSION_REVOKED", v)
	}
	_, latest := f.get("/buckets/app/channels/latest")
	if !strings.Contains(latest, `"fingerprint":"fp1"`) {
		t.Fatalf("latest after the revocation: %s, want it back on fp1", latest)
	}
	if f.h.answers.hits.Load() != 2 {
		t.Fatal("a read after the revocation time was served from the cache")
	}
}

func TestPendingRevocationIsLookedUpOncePerGeneration(t *testing.T) {
	t.Parallel()
	var c answerCache
	calls := 0
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	lookup := func(context.Context) (time.Time, bool, error) {
		calls++
		return at.Add(time.Duration(calls) * time.Hour), true, nil
	}
	ctx := context.Background()
	for range 3 {
		got, ok, err := c.pendingRevocation(ctx, 5, lookup)
		if err != nil || !ok || !got.Equal(at.Add(time.Hour)) {
			t.Fatalf("generation 5: %s %t %v", got, ok, err)
		}
	}
	got, _, _ := c.pendingRevocation(ctx, 6, lookup)
	if calls != 2 || !got.Equal(at.Add(2*time.Hour)) {
		t.Fatalf("after a write: %d lookups, %s; want a second lookup and its answer", calls, got)
	}
}

// TestDistinctQueriesShareOneCachedAnswer replays the attack of distinct,
// ignored query parameters on a large answer: every read is served, the
// cache keeps one answer for them all and stays within its byte bound.
func TestDistinctQueriesShareOneCachedAnswer(t *testing.T) {
	t.Parallel()
	f := newHandlerFixture(t)
	labels := map[string]string{}
	for i := 0; len(labels)*1030 < registry.MaxLabelsBytes-1030; i++ {
		labels[fmt.Sprintf("k%04d", i)] = strings.Repeat("v", 1024)
	}
	if _, err := f.svc.CreateBucket(context.Background(), f.loc, "p1", registry.BucketInput{Name: "big", Labels: labels}); err != nil {
		t.Fatal(err)
	}
	const reads = 200
	for i := range reads {
		if st, body := f.get(fmt.Sprintf("/buckets/big?dummy%d=%d", i, i)); st != 200 || len(body) < 60_000 {
			t.Fatalf("read %d: %d, %d bytes", i, st, len(body))
		}
	}
	f.h.answers.mu.Lock()
	n, held := len(f.h.answers.answers), keptBytes(&f.h.answers)
	f.h.answers.mu.Unlock()
	if n != 1 || held > maxKeptBytes || f.h.answers.hits.Load() != reads-1 {
		t.Fatalf("%d distinct queries: %d kept answers, %d bytes, %d hits; want 1 answer within %d bytes and %d hits",
			reads, n, held, f.h.answers.hits.Load(), maxKeptBytes, reads-1)
	}
}
