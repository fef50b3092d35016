package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

// recordingAPI is an API that counts the calls it receives, per operation
// and argument, answers from a small in-memory registry and can hold reads
// at a gate so tests control what is in flight.
type recordingAPI struct {
	mu     sync.Mutex
	calls  map[string]int
	writes int
	// channels maps "bucket/name" to the fingerprint of its version ("" =
	// unassigned); a missing key is NotFound.
	channels map[string]string
	// failNext makes the next read of that key fail with the given code.
	failNext map[string]codes.Code
	// writeErr, when set, is what every write returns.
	writeErr error
	// gate, when set, holds every read until it is closed or the read's
	// context ends.
	gate chan struct{}
}

func newRecordingAPI() *recordingAPI {
	return &recordingAPI{
		calls:    map[string]int{},
		channels: map[string]string{"web/stable": "fp1", "db/stable": "fp9"},
		failNext: map[string]codes.Code{},
	}
}

func (f *recordingAPI) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

// enter records a read of key and waits at the gate.
func (f *recordingAPI) enter(ctx context.Context, op, key string) error {
	f.mu.Lock()
	f.calls[key]++
	gate := f.gate
	code, fail := f.failNext[key]
	delete(f.failNext, key)
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return &Error{Op: op, Code: codeOfContextErr(ctx.Err()), Message: ctx.Err().Error()}
		}
	}
	if fail {
		return &Error{Op: op, Code: code, Message: fmt.Sprintf("injected %s", code)}
	}
	return nil
}

func (f *recordingAPI) write() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	return f.writeErr
}

func (f *recordingAPI) version(bucket, fp string) *Version {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	return &Version{
		Fingerprint: fp, BucketName: bucket, Name: "v1", RevokeAt: &at,
		RevocationInheritedFrom: &RevokedAncestor{BucketName: "base"},
		Builds: []Build{{
			ID: "b1", Labels: map[string]string{"os": "linux"},
			Artifacts: []Artifact{{ExternalIdentifier: "ami-1", Region: "us-east-1"}},
		}},
	}
}

func (f *recordingAPI) ResolveLocation(ctx context.Context, projectID string) (Location, error) {
	if err := f.enter(ctx, opResolveLocation, "loc/"+projectID); err != nil {
		return Location{}, err
	}
	return Location{OrganizationID: "org", ProjectID: projectID}, nil
}

func (f *recordingAPI) ListBuckets(ctx context.Context, loc Location) ([]Bucket, error) {
	if err := f.enter(ctx, opListBuckets, "buckets"); err != nil {
		return nil, err
	}
	return []Bucket{{Name: "web", Labels: map[string]string{"team": "a"}}, {Name: "db"}}, nil
}

func (f *recordingAPI) GetBucket(ctx context.Context, loc Location, name string) (*Bucket, error) {
	if err := f.enter(ctx, opGetBucket, "bucket/"+name); err != nil {
		return nil, err
	}
	return &Bucket{Name: name, Platforms: []string{"aws"}, LatestVersion: f.version(name, "fp1")}, nil
}

func (f *recordingAPI) CreateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error) {
	return &Bucket{Name: in.Name}, f.write()
}

func (f *recordingAPI) UpdateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error) {
	return &Bucket{Name: in.Name}, f.write()
}

func (f *recordingAPI) DeleteBucket(ctx context.Context, loc Location, name string) error {
	return f.write()
}

func (f *recordingAPI) GetVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error) {
	if err := f.enter(ctx, opGetVersion, "version/"+bucket+"/"+fingerprint); err != nil {
		return nil, err
	}
	return f.version(bucket, fingerprint), nil
}

func (f *recordingAPI) ListVersions(ctx context.Context, loc Location, bucket string) ([]Version, error) {
	if err := f.enter(ctx, opListVersions, "versions/"+bucket); err != nil {
		return nil, err
	}
	return []Version{*f.version(bucket, "fp1")}, nil
}

func (f *recordingAPI) RevokeVersion(ctx context.Context, loc Location, bucket, fingerprint string, r Revocation) (*Version, error) {
	return f.version(bucket, fingerprint), f.write()
}

func (f *recordingAPI) RestoreVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error) {
	return f.version(bucket, fingerprint), f.write()
}

func (f *recordingAPI) ListChannels(ctx context.Context, loc Location, bucket string) ([]Channel, error) {
	if err := f.enter(ctx, opListChannels, "channels/"+bucket); err != nil {
		return nil, err
	}
	return []Channel{{Name: "latest", Version: f.version(bucket, "fp1")}}, nil
}

func (f *recordingAPI) GetChannel(ctx context.Context, loc Location, bucket, name string) (*Channel, error) {
	if err := f.enter(ctx, opGetChannel, "channel/"+bucket+"/"+name); err != nil {
		return nil, err
	}
	f.mu.Lock()
	fp, ok := f.channels[bucket+"/"+name]
	f.mu.Unlock()
	if !ok {
		return nil, &Error{Op: opGetChannel, Code: codes.NotFound, HTTPStatus: 404, Message: "channel not found"}
	}
	ch := &Channel{Name: name, BucketName: bucket}
	if fp != "" {
		ch.Version = f.version(bucket, fp)
	}
	return ch, nil
}

func (f *recordingAPI) CreateChannel(ctx context.Context, loc Location, bucket string, in ChannelInput) (*Channel, error) {
	f.mu.Lock()
	f.channels[bucket+"/"+in.Name] = in.VersionFingerprint
	f.mu.Unlock()
	return &Channel{Name: in.Name}, f.write()
}

func (f *recordingAPI) UpdateChannel(ctx context.Context, loc Location, bucket, name string, in ChannelUpdate) (*Channel, error) {
	if in.VersionFingerprint != nil {
		f.mu.Lock()
		f.channels[bucket+"/"+name] = *in.VersionFingerprint
		f.mu.Unlock()
	}
	return &Channel{Name: name}, f.write()
}

func (f *recordingAPI) DeleteChannel(ctx context.Context, loc Location, bucket, name string) error {
	f.mu.Lock()
	delete(f.channels, bucket+"/"+name)
	f.mu.Unlock()
	return f.write()
}

func (f *recordingAPI) ChannelHistory(ctx context.Context, loc Location, bucket, name string) ([]ChannelAssignment, error) {
	if err := f.enter(ctx, opChannelHistory, "history/"+bucket+"/"+name); err != nil {
		return nil, err
	}
	return []ChannelAssignment{{AuthorID: "a", Version: f.version(bucket, "fp1")}, {AuthorID: "b"}}, nil
}

var coalesceLoc = Location{OrganizationID: "org", ProjectID: "proj"}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCoalesceConcurrentIdenticalReadsShareOneRequest(t *testing.T) {
	t.Parallel()
	const callers = 64
	fake := newRecordingAPI()
	fake.gate = make(chan struct{})
	api := Coalesce(fake).(*coalescer)

	results := make([]*Channel, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { results[i], errs[i] = api.GetChannel(context.Background(), coalesceLoc, "web", "stable") })
	}
	// Every caller but the first must be waiting for the first one's
	// request before that request is answered.
	waitFor(t, "every caller joined the request in flight", func() bool { return api.waiting.Load() == callers })
	close(fake.gate)
	wg.Wait()

	if n := fake.count("channel/web/stable"); n != 1 {
		t.Fatalf("upstream GetChannel calls = %d, want 1", n)
	}
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if results[i].Version == nil || results[i].Version.Fingerprint != "fp1" {
			t.Fatalf("caller %d got %+v, want the channel on fp1", i, results[i])
		}
	}

	if _, err := api.GetChannel(context.Background(), coalesceLoc, "web", "stable"); err != nil {
		t.Fatal(err)
	}
	if n := fake.count("channel/web/stable"); n != 1 {
		t.Fatalf("a later identical read went upstream (%d calls); it must come from the cache", n)
	}
	if api.hits.Load() != 1 {
		t.Fatalf("hits = %d, want 1", api.hits.Load())
	}
}

func TestCoalesceKeepsDifferentReadsApart(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	api := Coalesce(fake)
	ctx := context.Background()
	other := Location{OrganizationID: "org", ProjectID: "other"}

	for range 2 {
		mustRead(t, func() error { _, err := api.GetChannel(ctx, coalesceLoc, "web", "stable"); return err })
		mustRead(t, func() error { _, err := api.GetChannel(ctx, coalesceLoc, "db", "stable"); return err })
		mustRead(t, func() error { _, err := api.GetChannel(ctx, other, "web", "stable"); return err })
		mustRead(t, func() error { _, err := api.GetVersion(ctx, coalesceLoc, "web", "fp1"); return err })
		mustRead(t, func() error { _, err := api.GetVersion(ctx, coalesceLoc, "web", "fp2"); return err })
	}
	for key, want := range map[string]int{
		"channel/web/stable": 2, // two locations
		"channel/db/stable":  1,
		"version/web/fp1":    1,
		"version/web/fp2":    1,
	} {
		if n := fake.count(key); n != want {
			t.Errorf("upstream calls for %s = %d, want %d", key, n, want)
		}
	}
}

func mustRead(t *testing.T, read func() error) {
	t.Helper()
	if err := read(); err != nil {
		t.Fatal(err)
	}
}

// warmReads are the reads TestCoalesceWritesDropWhatTheyAffect caches
// before each write: bucket "web" (the one written), bucket "db" (another)
// and the project's bucket list and location.
var warmReads = map[string]func(API) error{
	"bucket/web": func(a API) error { _, err := a.GetBucket(context.Background(), coalesceLoc, "web"); return err },
	"channel/web/stable": func(a API) error {
		_, err := a.GetChannel(context.Background(), coalesceLoc, "web", "stable")
		return err
	},
	"channels/web":    func(a API) error { _, err := a.ListChannels(context.Background(), coalesceLoc, "web"); return err },
	"version/web/fp1": func(a API) error { _, err := a.GetVersion(context.Background(), coalesceLoc, "web", "fp1"); return err },
	"versions/web":    func(a API) error { _, err := a.ListVersions(context.Background(), coalesceLoc, "web"); return err },
	"history/web/stable": func(a API) error {
		_, err := a.ChannelHistory(context.Background(), coalesceLoc, "web", "stable")
		return err
	},
	"bucket/db": func(a API) error { _, err := a.GetBucket(context.Background(), coalesceLoc, "db"); return err },
	"channel/db/stable": func(a API) error {
		_, err := a.GetChannel(context.Background(), coalesceLoc, "db", "stable")
		return err
	},
	"version/db/fp9": func(a API) error { _, err := a.GetVersion(context.Background(), coalesceLoc, "db", "fp9"); return err },
	"buckets":        func(a API) error { _, err := a.ListBuckets(context.Background(), coalesceLoc); return err },
	"loc/proj":       func(a API) error { _, err := a.ResolveLocation(context.Background(), "proj"); return err },
}

func TestCoalesceWritesDropWhatTheyAffect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	webReads := []string{"bucket/web", "channel/web/stable", "channels/web", "version/web/fp1", "versions/web", "history/web/stable"}
	otherReads := []string{"bucket/db", "channel/db/stable", "version/db/fp9"}
	fp := "fp2"
	yes := true

	tests := []struct {
		name  string
		write func(API) error
		// dropped lists the reads that must go upstream again.
		dropped []string
	}{
		{"CreateBucket", func(a API) error { _, err := a.CreateBucket(ctx, coalesceLoc, BucketInput{Name: "web"}); return err },
			append(webReads, "buckets")},
		{"UpdateBucket", func(a API) error { _, err := a.UpdateBucket(ctx, coalesceLoc, BucketInput{Name: "web"}); return err },
			append(webReads, "buckets")},
		{"DeleteBucket", func(a API) error { return a.DeleteBucket(ctx, coalesceLoc, "web") },
			append(append(webReads, otherReads...), "buckets")},
		{"CreateChannel", func(a API) error {
			_, err := a.CreateChannel(ctx, coalesceLoc, "web", ChannelInput{Name: "dev"})
			return err
		}, webReads},
		{"UpdateChannel", func(a API) error {
			_, err := a.UpdateChannel(ctx, coalesceLoc, "web", "stable", ChannelUpdate{VersionFingerprint: &fp, Restricted: &yes})
			return err
		}, webReads},
		{"DeleteChannel", func(a API) error { return a.DeleteChannel(ctx, coalesceLoc, "web", "dev") }, webReads},
		{"RevokeVersion", func(a API) error { _, err := a.RevokeVersion(ctx, coalesceLoc, "web", "fp1", Revocation{}); return err },
			append(append(webReads, otherReads...), "buckets")},
		{"RestoreVersion", func(a API) error { _, err := a.RestoreVersion(ctx, coalesceLoc, "web", "fp1"); return err },
			append(append(webReads, otherReads...), "buckets")},
	}
	for _, tc := range tests {
		for _, failing := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/failing=%t", tc.name, failing), func(t *testing.T) {
				t.Parallel()
				fake := newRecordingAPI()
				if failing {
					// A write that fails may still have taken effect.
					fake.writeErr = &Error{Op: tc.name, Code: codes.DeadlineExceeded, Message: "timed out"}
				}
				api := Coalesce(fake)
				for _, read := range warmReads {
					mustRead(t, func() error { return read(api) })
				}
				if err := tc.write(api); (err != nil) != failing {
					t.Fatalf("write error = %v, want failure %t", err, failing)
				}
				for _, read := range warmReads {
					mustRead(t, func() error { return read(api) })
				}
				dropped := map[string]bool{}
				for _, k := range tc.dropped {
					dropped[k] = true
				}
				for key := range warmReads {
					want := 1
					if dropped[key] {
						want = 2
					}
					if n := fake.count(key); n != want {
						t.Errorf("after %s, upstream calls for %s = %d, want %d (dropped: %t)", tc.name, key, n, want, dropped[key])
					}
				}
			})
		}
	}
}

func TestCoalesceAssignmentIsSeenByTheNextRead(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	api := Coalesce(fake)
	ctx := context.Background()

	before, err := api.GetChannel(ctx, coalesceLoc, "web", "stable")
	if err != nil {
		t.Fatal(err)
	}
	fp := "fp2"
	if _, err := api.UpdateChannel(ctx, coalesceLoc, "web", "stable", ChannelUpdate{VersionFingerprint: &fp}); err != nil {
		t.Fatal(err)
	}
	after, err := api.GetChannel(ctx, coalesceLoc, "web", "stable")
	if err != nil {
		t.Fatal(err)
	}
	if before.Version.Fingerprint != "fp1" || after.Version.Fingerprint != "fp2" {
		t.Fatalf("channel before/after the assignment = %s/%s, want fp1/fp2", before.Version.Fingerprint, after.Version.Fingerprint)
	}
}

func TestCoalesceCachesNotFoundUntilAWriteCreatesTheObject(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	api := Coalesce(fake)
	ctx := context.Background()

	for range 3 {
		_, err := api.GetChannel(ctx, coalesceLoc, "web", "dev")
		if !IsNotFound(err) {
			t.Fatalf("GetChannel of a missing channel: %v, want NotFound", err)
		}
		var e *Error
		if !errors.As(err, &e) || e.Op != opGetChannel || e.HTTPStatus != 404 {
			t.Fatalf("the cached NotFound lost its details: %#v", err)
		}
		e.Message = "spoiled" // must not reach the next caller
	}
	if n := fake.count("channel/web/dev"); n != 1 {
		t.Fatalf("upstream calls for a missing channel = %d, want 1 (NotFound is an answer and is cached)", n)
	}
	if _, err := api.GetChannel(ctx, coalesceLoc, "web", "dev"); MessageOf(err) != "channel not found" {
		t.Fatalf("cached NotFound message = %q: a caller changed it", MessageOf(err))
	}

	if _, err := api.CreateChannel(ctx, coalesceLoc, "web", ChannelInput{Name: "dev", VersionFingerprint: "fp3"}); err != nil {
		t.Fatal(err)
	}
	ch, err := api.GetChannel(ctx, coalesceLoc, "web", "dev")
	if err != nil {
		t.Fatalf("GetChannel after this provider created the channel: %v; the cached NotFound must be dropped", err)
	}
	if ch.Version.Fingerprint != "fp3" {
		t.Fatalf("created channel points at %s, want fp3", ch.Version.Fingerprint)
	}
}

func TestCoalesceDoesNotCacheOtherErrors(t *testing.T) {
	t.Parallel()
	for _, code := range []codes.Code{codes.Unavailable, codes.ResourceExhausted, codes.PermissionDenied, codes.Unauthenticated, codes.Internal} {
		t.Run(code.String(), func(t *testing.T) {
			t.Parallel()
			fake := newRecordingAPI()
			fake.failNext["version/web/fp1"] = code
			api := Coalesce(fake)
			ctx := context.Background()

			if _, err := api.GetVersion(ctx, coalesceLoc, "web", "fp1"); CodeOf(err) != code {
				t.Fatalf("first GetVersion: %v, want code %s", err, code)
			}
			v, err := api.GetVersion(ctx, coalesceLoc, "web", "fp1")
			if err != nil {
				t.Fatalf("second GetVersion: %v; a %s failure must not be cached", err, code)
			}
			if v.Fingerprint != "fp1" {
				t.Fatalf("got %+v", v)
			}
			if n := fake.count("version/web/fp1"); n != 2 {
				t.Fatalf("upstream calls = %d, want 2", n)
			}
		})
	}
}

func TestCoalesceSharesAFailureWithTheCallersWaitingForIt(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	fake.gate = make(chan struct{})
	fake.failNext["channel/web/stable"] = codes.Unavailable
	api := Coalesce(fake).(*coalescer)

	const callers = 8
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { _, errs[i] = api.GetChannel(context.Background(), coalesceLoc, "web", "stable") })
	}
	waitFor(t, "every caller joined the request in flight", func() bool { return api.waiting.Load() == callers })
	close(fake.gate)
	wg.Wait()
	for i, err := range errs {
		if CodeOf(err) != codes.Unavailable {
			t.Fatalf("caller %d: %v, want the shared Unavailable", i, err)
		}
	}
	if n := fake.count("channel/web/stable"); n != 1 {
		t.Fatalf("upstream calls = %d, want 1", n)
	}
}

func TestCoalesceDropsAReadThatWasInFlightDuringAWrite(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	fake.gate = make(chan struct{})
	api := Coalesce(fake)
	ctx := context.Background()

	done := make(chan *Channel)
	go func() {
		ch, _ := api.GetChannel(ctx, coalesceLoc, "web", "stable")
		done <- ch
	}()
	waitFor(t, "the read is in flight", func() bool { return fake.count("channel/web/stable") == 1 })
	fp := "fp2"
	if _, err := api.UpdateChannel(ctx, coalesceLoc, "web", "stable", ChannelUpdate{VersionFingerprint: &fp}); err != nil {
		t.Fatal(err)
	}
	close(fake.gate)
	<-done

	ch, err := api.GetChannel(ctx, coalesceLoc, "web", "stable")
	if err != nil {
		t.Fatal(err)
	}
	if n := fake.count("channel/web/stable"); n != 2 {
		t.Fatalf("upstream calls = %d, want 2: an answer that may predate a write must not be cached", n)
	}
	if ch.Version.Fingerprint != "fp2" {
		t.Fatalf("read after the write sees %s, want fp2", ch.Version.Fingerprint)
	}
}

func TestCoalesceWaiterOutlivesACancelledFirstCaller(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	fake.gate = make(chan struct{})
	api := Coalesce(fake).(*coalescer)

	firstCtx, cancelFirst := context.WithCancel(context.Background())
	firstErr := make(chan error)
	go func() {
		_, err := api.GetChannel(firstCtx, coalesceLoc, "web", "stable")
		firstErr <- err
	}()
	waitFor(t, "the first read is in flight", func() bool { return fake.count("channel/web/stable") == 1 })

	second := make(chan error)
	var got *Channel
	go func() {
		var err error
		got, err = api.GetChannel(context.Background(), coalesceLoc, "web", "stable")
		second <- err
	}()
	waitFor(t, "the second caller joined", func() bool { return api.waiting.Load() == 2 })

	cancelFirst()
	if err := <-firstErr; CodeOf(err) != codes.Canceled {
		t.Fatalf("cancelled caller got %v, want Canceled", err)
	}
	// The second caller asks again with its own context, and that
	// request is answered.
	waitFor(t, "the second caller asked again", func() bool { return fake.count("channel/web/stable") == 2 })
	close(fake.gate)
	if err := <-second; err != nil {
		t.Fatalf("the waiting caller inherited the cancellation: %v", err)
	}
	if got.Version.Fingerprint != "fp1" {
		t.Fatalf("got %+v", got)
	}
}

func TestCoalesceWaiterCanGiveUp(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	fake.gate = make(chan struct{})
	api := Coalesce(fake).(*coalescer)

	first := make(chan error)
	go func() {
		_, err := api.GetVersion(context.Background(), coalesceLoc, "web", "fp1")
		first <- err
	}()
	waitFor(t, "the first read is in flight", func() bool { return fake.count("version/web/fp1") == 1 })

	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error)
	go func() {
		_, err := api.GetVersion(ctx, coalesceLoc, "web", "fp1")
		second <- err
	}()
	waitFor(t, "the second caller joined", func() bool { return api.waiting.Load() == 2 })
	cancel()
	if err := <-second; CodeOf(err) != codes.Canceled {
		t.Fatalf("waiter with a cancelled context got %v, want Canceled", err)
	}
	close(fake.gate)
	if err := <-first; err != nil {
		t.Fatalf("first caller: %v", err)
	}
}

func TestCoalesceResolvesEachProjectOnce(t *testing.T) {
	t.Parallel()
	fake := newRecordingAPI()
	api := Coalesce(fake)
	ctx := context.Background()
	for range 3 {
		loc, err := api.ResolveLocation(ctx, "proj")
		if err != nil || loc.OrganizationID != "org" {
			t.Fatalf("ResolveLocation = %+v, %v", loc, err)
		}
	}
	if _, err := api.RevokeVersion(ctx, coalesceLoc, "web", "fp1", Revocation{}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.ResolveLocation(ctx, "proj"); err != nil {
		t.Fatal(err)
	}
	if n := fake.count("loc/proj"); n != 1 {
		t.Fatalf("upstream ResolveLocation calls = %d, want 1: a project never moves", n)
	}
}
