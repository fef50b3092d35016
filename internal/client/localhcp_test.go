package client

import (
	"context"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// These tests run the client against an in-process localhcp, the local HCP
// Packer service with the real wire contract. They set the process
// environment (HOME and the HCP_* variables), so none runs in parallel.

// startLocalHCP starts an in-memory localhcp that stops with the test.
func startLocalHCP(t testing.TB, opts localhcp.Options) *localhcp.Server {
	t.Helper()
	srv, err := localhcp.Start(opts)
	if err != nil {
		t.Fatalf("starting localhcp: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// useEnv makes env (KEY=value entries, as localhcp's Env returns them) the
// test's HCP environment, with a fresh HOME for the SDK's token cache and
// every other HCP_* variable cleared.
func useEnv(t testing.TB, env []string) {
	t.Helper()
	for _, name := range []string{
		"HCP_CLIENT_ID", "HCP_CLIENT_SECRET", "HCP_CRED_FILE", "HCP_ORGANIZATION_ID", "HCP_PROJECT_ID",
		"HCP_API_HOST", "HCP_GEOGRAPHY", "HCP_OAUTH_CLIENT_ID", "HCP_PORTAL_URL",
	} {
		unsetEnv(t, name)
	}
	t.Setenv("HOME", t.TempDir())
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// withoutLocation drops HCP_ORGANIZATION_ID and HCP_PROJECT_ID from env, so
// New has to discover them.
func withoutLocation(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "HCP_ORGANIZATION_ID=") && !strings.HasPrefix(kv, "HCP_PROJECT_ID=") {
			out = append(out, kv)
		}
	}
	return out
}

func TestLocalHCPNewResolvesLocations(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{Projects: []string{"platform", "sandbox"}})
	ctx := context.Background()
	projects := srv.ProjectIDs()
	if len(projects) != 2 {
		t.Fatalf("localhcp seeded %d projects, want 2", len(projects))
	}

	t.Run("project from the environment", func(t *testing.T) {
		useEnv(t, srv.Env("contributor"))
		c, warnings, err := New(ctx, Config{SourceChannel: "terraform-provider-hcppacker/test"})
		if err != nil {
			t.Fatal(err)
		}
		want := Location{OrganizationID: srv.OrganizationID(), ProjectID: srv.ProjectID()}
		if c.Location() != want || len(warnings) != 0 {
			t.Errorf("Location() = %+v, warnings %q; want %+v and none", c.Location(), warnings, want)
		}
	})

	t.Run("discovered: the oldest project, with a warning", func(t *testing.T) {
		useEnv(t, withoutLocation(srv.Env("contributor")))
		c, warnings, err := New(ctx, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Location().ProjectID != projects[0] || c.Location().OrganizationID != srv.OrganizationID() {
			t.Errorf("Location() = %+v, want the oldest project %s", c.Location(), projects[0])
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], projects[0]) {
			t.Errorf("warnings = %q, want one naming %s", warnings, projects[0])
		}

		other, err := c.ResolveLocation(ctx, projects[1])
		if err != nil || other != (Location{OrganizationID: srv.OrganizationID(), ProjectID: projects[1]}) {
			t.Errorf("ResolveLocation(%s) = %+v, %v", projects[1], other, err)
		}
		if _, err := c.ResolveLocation(ctx, "00000000-0000-4000-8000-000000000000"); err == nil {
			t.Error("ResolveLocation of an unknown project succeeded")
		}
	})

	t.Run("explicit settings over the environment", func(t *testing.T) {
		useEnv(t, srv.Env("contributor"))
		p := srv.Principal("contributor")
		unsetEnv(t, "HCP_CLIENT_ID")
		unsetEnv(t, "HCP_CLIENT_SECRET")
		c, _, err := New(ctx, Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, ProjectID: projects[1],
			OrganizationID: srv.OrganizationID()})
		if err != nil {
			t.Fatal(err)
		}
		if c.Location().ProjectID != projects[1] {
			t.Errorf("Location() = %+v, want project %s", c.Location(), projects[1])
		}
	})

	t.Run("rejected credentials", func(t *testing.T) {
		useEnv(t, srv.Env("contributor"))
		secret := "not-the-" + srv.Principal("contributor").ClientSecret
		_, _, err := New(ctx, Config{ClientSecret: secret})
		if err == nil || !strings.Contains(MessageOf(err), "HCP rejected the credentials") {
			t.Fatalf("New = %v, want the rejected-credentials error", err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error %q contains the secret", err)
		}
	})

	t.Run("organization that is not the project's", func(t *testing.T) {
		useEnv(t, srv.Env("contributor"))
		_, _, err := New(ctx, Config{OrganizationID: "99999999-9999-4999-8999-999999999999"})
		if err == nil || !strings.Contains(MessageOf(err), "is not the organization of project") {
			t.Fatalf("New = %v, want the organization mismatch error", err)
		}
	})
}

func TestLocalHCPViewerIsDeniedWrites(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{})
	useEnv(t, srv.Env("viewer"))
	ctx := context.Background()
	c, _, err := New(ctx, Config{})
	if err != nil {
		t.Fatalf("New as viewer: %v", err)
	}
	if _, err := c.ListBuckets(ctx, c.Location()); err != nil {
		t.Errorf("ListBuckets as viewer: %v", err)
	}
	_, err = c.CreateBucket(ctx, c.Location(), BucketInput{Name: "denied"})
	if !IsPermissionDenied(err) {
		t.Fatalf("CreateBucket as viewer = %v, want PermissionDenied", err)
	}
	if MessageOf(err) == "" {
		t.Error("the permission error lost the server's message")
	}
}

// TestLocalHCPEveryMethod walks one bucket through its life: publish,
// channels, assignment, revocation, restore and deletion.
func TestLocalHCPEveryMethod(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{})
	env := srv.Env("contributor")
	useEnv(t, env)
	ctx := context.Background()
	c, _, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	loc := c.Location()
	const bucket = "golden-web"

	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Buckets.
	b, err := c.CreateBucket(ctx, loc, BucketInput{Name: bucket, Description: "web images", Labels: map[string]string{"team": "web"}})
	must(err, "CreateBucket")
	if b.Name != bucket || b.Description != "web images" || b.Labels["team"] != "web" || b.ProjectID != loc.ProjectID || b.CreatedAt.IsZero() {
		t.Errorf("created bucket = %+v", b)
	}
	if b.LatestVersion != nil || b.VersionCount != 0 {
		t.Errorf("a new bucket has versions: %+v", b)
	}
	_, err = c.CreateBucket(ctx, loc, BucketInput{Name: bucket})
	if !IsAlreadyExists(err) {
		t.Errorf("CreateBucket twice = %v, want AlreadyExists", err)
	}
	b, err = c.UpdateBucket(ctx, loc, BucketInput{Name: bucket, Description: "web golden images", Labels: map[string]string{"team": "platform"}})
	must(err, "UpdateBucket")
	if b.Description != "web golden images" || b.Labels["team"] != "platform" {
		t.Errorf("updated bucket = %+v", b)
	}
	// The SDK omits an empty description and labels, so clearing both
	// relies on UpdateBucket replacing them with what is (not) sent.
	cleared, err := c.UpdateBucket(ctx, loc, BucketInput{Name: bucket})
	must(err, "UpdateBucket clearing")
	if cleared.Description != "" || len(cleared.Labels) != 0 {
		t.Errorf("clearing description and labels left %q, %v", cleared.Description, cleared.Labels)
	}
	if _, err := c.GetBucket(ctx, loc, "no-such-bucket"); !IsNotFound(err) {
		t.Errorf("GetBucket of a missing bucket = %v, want NotFound", err)
	}

	// Two versions, published as Packer would.
	build := publish.Build{Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0001", Labels: map[string]string{"os": "ubuntu"}}
	_, err = publish.Publish(ctx, env, publish.Options{Bucket: bucket, Fingerprint: "fp-one", Builds: []publish.Build{build}})
	must(err, "publishing fp-one")
	build.ExternalIdentifier = "ami-0002"
	_, err = publish.Publish(ctx, env, publish.Options{Bucket: bucket, Fingerprint: "fp-two", Builds: []publish.Build{build}})
	must(err, "publishing fp-two")

	b, err = c.GetBucket(ctx, loc, bucket)
	must(err, "GetBucket")
	if b.VersionCount != 2 || b.LatestVersion == nil || b.LatestVersion.Fingerprint != "fp-two" {
		t.Errorf("bucket after publishing: count %d, latest %+v", b.VersionCount, b.LatestVersion)
	}
	buckets, err := c.ListBuckets(ctx, loc)
	must(err, "ListBuckets")
	if len(buckets) != 1 || buckets[0].Name != bucket {
		t.Errorf("ListBuckets = %+v", buckets)
	}

	// Versions.
	v, err := c.GetVersion(ctx, loc, bucket, "fp-one")
	must(err, "GetVersion")
	if !v.Complete() || v.Status != VersionStatusActive || v.RevokeAt != nil || len(v.Builds) != 1 {
		t.Fatalf("version fp-one = %+v", v)
	}
	if a := v.Builds[0].Artifacts; len(a) != 1 || a[0].ExternalIdentifier != "ami-0001" || a[0].Region != "us-east-1" ||
		v.Builds[0].Platform != "aws" || v.Builds[0].Labels["os"] != "ubuntu" {
		t.Errorf("build of fp-one = %+v", v.Builds[0])
	}
	if _, err := c.GetVersion(ctx, loc, bucket, "no-such-fp"); !IsNotFound(err) {
		t.Errorf("GetVersion of a missing fingerprint = %v, want NotFound", err)
	}
	versions, err := c.ListVersions(ctx, loc, bucket)
	must(err, "ListVersions")
	if len(versions) != 2 || versions[0].Fingerprint != "fp-two" || versions[1].Fingerprint != "fp-one" {
		t.Errorf("ListVersions = %v, want fp-two then fp-one", fingerprints(versions))
	}

	// Channels.
	channels, err := c.ListChannels(ctx, loc, bucket)
	must(err, "ListChannels")
	latest := findChannel(channels, LatestChannel)
	if latest == nil || !latest.Managed || latest.Version == nil || latest.Version.Fingerprint != "fp-two" {
		t.Errorf("latest channel = %+v", latest)
	}
	if _, err := c.CreateChannel(ctx, loc, bucket, ChannelInput{Name: LatestChannel}); !IsAlreadyExists(err) {
		t.Errorf("CreateChannel latest = %v, want AlreadyExists", err)
	}
	ch, err := c.CreateChannel(ctx, loc, bucket, ChannelInput{Name: "stable", VersionFingerprint: "fp-one"})
	must(err, "CreateChannel")
	if ch.Managed || ch.Restricted || ch.Version == nil || ch.Version.Fingerprint != "fp-one" || ch.BucketName != bucket {
		t.Errorf("created channel = %+v", ch)
	}
	fpTwo, yes, none := "fp-two", true, ""
	ch, err = c.UpdateChannel(ctx, loc, bucket, "stable", ChannelUpdate{VersionFingerprint: &fpTwo})
	must(err, "UpdateChannel assign")
	if ch.Version == nil || ch.Version.Fingerprint != "fp-two" || ch.Restricted {
		t.Errorf("channel after assigning fp-two = %+v", ch)
	}
	ch, err = c.UpdateChannel(ctx, loc, bucket, "stable", ChannelUpdate{Restricted: &yes})
	must(err, "UpdateChannel restrict")
	if !ch.Restricted || ch.Version == nil || ch.Version.Fingerprint != "fp-two" {
		t.Errorf("restricting changed more than the flag: %+v", ch)
	}
	ch, err = c.UpdateChannel(ctx, loc, bucket, "stable", ChannelUpdate{VersionFingerprint: &none})
	must(err, "UpdateChannel unassign")
	if ch.Version != nil || !ch.Restricted {
		t.Errorf("channel after unassigning = %+v", ch)
	}
	ch, err = c.GetChannel(ctx, loc, bucket, "stable")
	must(err, "GetChannel")
	if ch.Version != nil {
		t.Errorf("GetChannel after unassigning = %+v", ch)
	}
	unknown := "no-such-fp"
	if _, err := c.UpdateChannel(ctx, loc, bucket, "stable", ChannelUpdate{VersionFingerprint: &unknown}); err == nil ||
		!strings.Contains(MessageOf(err), "does not exist") {
		t.Errorf("assigning an unknown fingerprint = %v, want the server's does-not-exist message", err)
	}
	history, err := c.ChannelHistory(ctx, loc, bucket, "stable")
	must(err, "ChannelHistory")
	if len(history) < 3 || history[0].Version != nil || history[1].Version == nil || history[1].Version.Fingerprint != "fp-two" {
		t.Errorf("history, newest first = %+v", history)
	}
	for i := 1; i < len(history); i++ {
		if history[i].AssignedAt.After(history[i-1].AssignedAt) {
			t.Errorf("history is not newest first at %d", i)
		}
	}

	// Revocation: scheduled, restored, immediate, at a time.
	v, err = c.RevokeVersion(ctx, loc, bucket, "fp-two", Revocation{In: "1h", Message: "scheduled"})
	must(err, "RevokeVersion in 1h")
	now := time.Now()
	if v.RevokeAt == nil || !v.RevocationScheduled(now) || v.Revoked(now) || v.RevokeAt.Sub(now) < 59*time.Minute {
		t.Errorf("scheduled revocation: revoke_at %v", v.RevokeAt)
	}
	v, err = c.RestoreVersion(ctx, loc, bucket, "fp-two")
	must(err, "RestoreVersion")
	if v.RevokeAt != nil || v.Status != VersionStatusActive {
		t.Errorf("restored version: revoke_at %v, status %s", v.RevokeAt, v.Status)
	}
	v, err = c.RevokeVersion(ctx, loc, bucket, "fp-one", Revocation{Message: "CVE-2025-0001"})
	must(err, "RevokeVersion now")
	if !v.Revoked(time.Now()) || v.RevocationMessage != "CVE-2025-0001" || v.RevocationType != "MANUAL" || v.RevocationAuthor == "" {
		t.Errorf("revoked version = %+v", v)
	}
	v, err = c.GetVersion(ctx, loc, bucket, "fp-one")
	must(err, "GetVersion revoked")
	if v.Status != VersionStatusRevoked || v.RevokeAt == nil {
		t.Errorf("revoked version read back: status %s, revoke_at %v", v.Status, v.RevokeAt)
	}
	fpOne := "fp-one"
	if _, err := c.UpdateChannel(ctx, loc, bucket, "stable", ChannelUpdate{VersionFingerprint: &fpOne}); !IsFailedPrecondition(err) {
		t.Errorf("assigning a revoked version = %v, want FailedPrecondition", err)
	}
	at := time.Now().Add(48 * time.Hour).Truncate(time.Millisecond).Add(123 * time.Millisecond)
	v, err = c.RevokeVersion(ctx, loc, bucket, "fp-two", Revocation{At: &at})
	must(err, "RevokeVersion at")
	if v.RevokeAt == nil || !v.RevokeAt.Equal(at) {
		t.Errorf("revoke_at = %v, want %v (millisecond precision)", v.RevokeAt, at)
	}

	// Deletion.
	if err := c.DeleteChannel(ctx, loc, bucket, LatestChannel); !IsFailedPrecondition(err) {
		t.Errorf("DeleteChannel latest = %v, want FailedPrecondition", err)
	}
	must(c.DeleteChannel(ctx, loc, bucket, "stable"), "DeleteChannel")
	if _, err := c.GetChannel(ctx, loc, bucket, "stable"); !IsNotFound(err) {
		t.Errorf("GetChannel after delete = %v, want NotFound", err)
	}
	if err := c.DeleteChannel(ctx, loc, bucket, "stable"); !IsNotFound(err) {
		t.Errorf("DeleteChannel twice = %v, want NotFound", err)
	}
	must(c.DeleteBucket(ctx, loc, bucket), "DeleteBucket")
	if _, err := c.GetBucket(ctx, loc, bucket); !IsNotFound(err) {
		t.Errorf("GetBucket after delete = %v, want NotFound", err)
	}
}

// TestLocalHCPRetriesInjectedFaults replaces a share of localhcp's answers
// with 429 and 503 and checks that every call still succeeds exactly once.
// The 429s announce "Retry-After: 0", so the retries wait only the default
// backoff; TestTransportRetries shows that a Retry-After of a second is
// waited for.
func TestLocalHCPRetriesInjectedFaults(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{})
	useEnv(t, srv.Env("contributor"))
	ctx := context.Background()
	c, _, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	loc := c.Location()
	if _, err := c.CreateBucket(ctx, loc, BucketInput{Name: "faulty"}); err != nil {
		t.Fatal(err)
	}

	srv.SetFaults(localhcp.Faults{Rate: 0.3, RetryAfter: time.Millisecond})
	const n = 8
	for i := range n {
		name := "chan-" + string(rune('a'+i))
		if _, err := c.CreateChannel(ctx, loc, "faulty", ChannelInput{Name: name}); err != nil {
			t.Fatalf("CreateChannel %s under faults: %v", name, err)
		}
	}
	srv.SetFaults(localhcp.Faults{})

	channels, err := c.ListChannels(ctx, loc, "faulty")
	if err != nil {
		t.Fatal(err)
	}
	if len(channels) != n+1 { // the n created and latest
		t.Errorf("got %d channels, want %d: a retry duplicated or lost a create", len(channels), n+1)
	}
}

func findChannel(channels []Channel, name string) *Channel {
	for i := range channels {
		if channels[i].Name == name {
			return &channels[i]
		}
	}
	return nil
}

func fingerprints(versions []Version) []string {
	out := make([]string, len(versions))
	for i, v := range versions {
		out[i] = v.Fingerprint
	}
	return out
}

// BenchmarkLocalHCPNew measures provider start-up work: credentials,
// token (from the SDK's cache after the first) and project lookup.
func BenchmarkLocalHCPNew(b *testing.B) {
	srv := startLocalHCP(b, localhcp.Options{})
	useEnv(b, srv.Env("contributor"))
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := New(ctx, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLocalHCPGetChannel measures one channel lookup through the
// whole client: SDK, transport, logging context and TLS to localhcp.
func BenchmarkLocalHCPGetChannel(b *testing.B) {
	srv := startLocalHCP(b, localhcp.Options{})
	env := srv.Env("contributor")
	useEnv(b, env)
	ctx := context.Background()
	c, _, err := New(ctx, Config{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := publish.Publish(ctx, env, publish.Options{Bucket: "bench", Builds: []publish.Build{{}}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.GetChannel(ctx, c.Location(), "bench", LatestChannel); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLocalHCPGetChannelTraceLogged is BenchmarkLocalHCPGetChannel
// with a provider root logger at TRACE, to price the per-request logging
// context and log lines.
func BenchmarkLocalHCPGetChannelTraceLogged(b *testing.B) {
	srv := startLocalHCP(b, localhcp.Options{})
	env := srv.Env("contributor")
	useEnv(b, env)
	ctx := tflogtest.RootLogger(context.Background(), io.Discard)
	c, _, err := New(ctx, Config{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := publish.Publish(ctx, env, publish.Options{Bucket: "bench", Builds: []publish.Build{{}}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.GetChannel(ctx, c.Location(), "bench", LatestChannel); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLocalHCPWritesSurviveARestart stops localhcp under a client and
// starts it again on the same address and data: the client's pooled
// connections die with the first server, and a write sent while no server
// listens is retried until the second one answers.
func TestLocalHCPWritesSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	first, err := localhcp.Start(localhcp.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	useEnv(t, first.Env("contributor"))
	var logs syncBuffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c, _, err := New(ctx, Config{})
	if err != nil {
		_ = first.Close()
		t.Fatal(err)
	}
	loc := c.Location()
	if _, err := c.CreateBucket(ctx, loc, BucketInput{Name: "restart"}); err != nil {
		_ = first.Close()
		t.Fatal(err)
	}
	if _, err := c.CreateChannel(ctx, loc, "restart", ChannelInput{Name: "dev"}); err != nil {
		_ = first.Close()
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	restricted := true
	done := make(chan error, 1)
	go func() {
		_, err := c.UpdateChannel(ctx, loc, "restart", "dev", ChannelUpdate{Restricted: &restricted})
		done <- err
	}()
	// Start the second server once the write has been refused at least once.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "Retrying HCP API request") {
		if time.Now().After(deadline) {
			t.Fatalf("the write was never retried; the log:\n%s", logs.String())
		}
		runtime.Gosched()
	}
	startLocalHCP(t, localhcp.Options{DataDir: dir, Addr: first.Addr()})
	if err := <-done; err != nil {
		t.Fatalf("UpdateChannel across the restart: %v", err)
	}

	ch, err := c.GetChannel(ctx, loc, "restart", "dev")
	if err != nil || !ch.Restricted {
		t.Fatalf("after the restart the channel is %+v, %v; want it restricted", ch, err)
	}
	if _, err := c.UpdateBucket(ctx, loc, BucketInput{Name: "restart", Description: "after"}); err != nil {
		t.Fatalf("UpdateBucket on the restarted server: %v", err)
	}
}
