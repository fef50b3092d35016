package registry_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// fixture is a registry service on an in-memory store with a movable clock.
type fixture struct {
	t   *testing.T
	svc *registry.Service
	loc registry.Loc
	mu  sync.Mutex
	now time.Time
	ctx context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, loc: registry.Loc{OrganizationID: "org", ProjectID: "proj"}, now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), ctx: context.Background()}
	f.svc = registry.New(db, f.clock)
	if err := f.svc.EnsureRegistry(f.ctx, "proj"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *fixture) bucket(name string) {
	f.t.Helper()
	if _, err := f.svc.CreateBucket(f.ctx, f.loc, "author", registry.BucketInput{Name: name}); err != nil {
		f.t.Fatal(err)
	}
}

// publish creates a version with one build and finishes it; parent is an
// optional parent version id.
func (f *fixture) publish(bucket, fp, parent string) *registry.VersionView {
	f.t.Helper()
	if _, err := f.svc.CreateVersion(f.ctx, f.loc, "author", bucket, fp, registry.TemplateHCL2); err != nil {
		f.t.Fatal(err)
	}
	b, err := f.svc.CreateBuild(f.ctx, f.loc, "author", bucket, fp, registry.BuildInput{ComponentType: "null.example", ParentVersionID: parent})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.UpdateBuild(f.ctx, f.loc, "author", bucket, fp, b.ID, registry.BuildInput{
		Status: registry.BuildDone, Platform: "aws", Artifacts: []registry.ArtifactInput{{ExternalIdentifier: "ami-" + fp, Region: "r"}},
	}); err != nil {
		f.t.Fatal(err)
	}
	v, err := f.svc.GetVersion(f.ctx, f.loc, bucket, fp)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *fixture) channelFP(bucket, name string) string {
	f.t.Helper()
	c, err := f.svc.GetChannel(f.ctx, f.loc, bucket, name)
	if err != nil {
		f.t.Fatal(err)
	}
	if c.Version == nil {
		return ""
	}
	return c.Version.Fingerprint
}

func (f *fixture) assign(bucket, channel, fp string) {
	f.t.Helper()
	if _, err := f.svc.UpdateChannel(f.ctx, f.loc, "author", bucket, channel, registry.ChannelUpdate{Mask: "versionFingerprint", VersionFingerprint: fp}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) revoke(bucket, fp, in string) {
	f.t.Helper()
	if _, _, err := f.svc.UpdateVersion(f.ctx, f.loc, "revoker", bucket, fp, registry.VersionUpdate{RevokeIn: in}); err != nil {
		f.t.Fatal(err)
	}
}

func TestLatestTracksTheNewestValidVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("img")
	if fp := f.channelFP("img", "latest"); fp != "" {
		t.Fatalf("fresh latest = %q", fp)
	}
	f.publish("img", "a", "")
	f.publish("img", "b", "")
	if fp := f.channelFP("img", "latest"); fp != "b" {
		t.Fatalf("latest = %q, want b", fp)
	}
	f.revoke("img", "b", "1h")
	if fp := f.channelFP("img", "latest"); fp != "b" {
		t.Fatalf("with b's revocation only scheduled, latest = %q", fp)
	}
	f.advance(time.Hour)
	if err := f.svc.Settle(f.ctx); err != nil {
		t.Fatal(err)
	}
	if fp := f.channelFP("img", "latest"); fp != "a" {
		t.Fatalf("after b's revocation latest = %q, want a", fp)
	}
	f.revoke("img", "a", "0s")
	if fp := f.channelFP("img", "latest"); fp != "" {
		t.Fatalf("with every version revoked latest = %q, want unassigned", fp)
	}
}

func TestRollbackSkipsRevokedHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("img")
	for _, fp := range []string{"v1", "v2", "v3"} {
		f.publish("img", fp, "")
	}
	if _, err := f.svc.CreateChannel(f.ctx, f.loc, "author", "img", registry.ChannelInput{Name: "prod", VersionFingerprint: "v1"}); err != nil {
		t.Fatal(err)
	}
	f.assign("img", "prod", "v2")
	f.assign("img", "prod", "v3")
	f.revoke("img", "v2", "0s") // not on prod: prod stays
	if fp := f.channelFP("img", "prod"); fp != "v3" {
		t.Fatalf("prod = %q, want v3", fp)
	}
	f.revoke("img", "v3", "0s") // prod's history: v3, v2 (revoked), v1
	if fp := f.channelFP("img", "prod"); fp != "v1" {
		t.Fatalf("prod = %q, want v1 (v2 is revoked)", fp)
	}
	entries, total, _, err := f.svc.ListChannelHistory(f.ctx, f.loc, "img", "prod", registry.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 4 || entries[0].Version.Fingerprint != "v1" || entries[0].AuthorID != "revoker" {
		t.Fatalf("history = %d entries, newest %+v", total, entries[0])
	}
}

func TestDescendantsAcrossBucketsInheritTheEarliestRevocation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, b := range []string{"base", "app", "svc"} {
		f.bucket(b)
	}
	root := f.publish("base", "root", "")
	mid := f.publish("app", "mid", root.ID)
	f.publish("svc", "leaf", mid.ID)
	// The leaf has its own, earlier revocation: it keeps it.
	f.revoke("svc", "leaf", "1h")
	f.revoke("base", "root", "2h")
	leaf, err := f.svc.GetVersion(f.ctx, f.loc, "svc", "leaf")
	if err != nil {
		t.Fatal(err)
	}
	if leaf.RevocationType != registry.RevocationManual || !leaf.RevokeAt.Equal(f.clock().Add(time.Hour)) {
		t.Fatalf("leaf = %s at %v", leaf.RevocationType, leaf.RevokeAt)
	}
	midNow, err := f.svc.GetVersion(f.ctx, f.loc, "app", "mid")
	if err != nil {
		t.Fatal(err)
	}
	if midNow.RevocationType != registry.RevocationInherited || midNow.InheritedFrom == nil || midNow.InheritedFrom.VersionID != root.ID ||
		midNow.Status != registry.VersionRevocationScheduled {
		t.Fatalf("mid = %+v", midNow)
	}
}

func TestConcurrentPublishingNumbersVersionsUniquely(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("busy")
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fp := fmt.Sprintf("fp-%02d", i)
			if _, err := f.svc.CreateVersion(f.ctx, f.loc, "a", "busy", fp, ""); err != nil {
				errs <- err
				return
			}
			b, err := f.svc.CreateBuild(f.ctx, f.loc, "a", "busy", fp, registry.BuildInput{ComponentType: "x.y"})
			if err != nil {
				errs <- err
				return
			}
			_, err = f.svc.UpdateBuild(f.ctx, f.loc, "a", "busy", fp, b.ID, registry.BuildInput{
				Status: registry.BuildDone, Artifacts: []registry.ArtifactInput{{ExternalIdentifier: "i", Region: "r"}},
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	versions, _, err := f.svc.ListVersions(f.ctx, f.loc, "busy", registry.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, v := range versions {
		numbers = append(numbers, int(v.Number))
	}
	sort.Ints(numbers)
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("version numbers = %v, want 1..%d", numbers, len(numbers))
		}
	}
	if fp := f.channelFP("busy", "latest"); fp == "" {
		t.Fatal("latest is unassigned after concurrent publishing")
	}
}
