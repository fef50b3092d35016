package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// fakeRegistry is an in-memory client.API for unit tests: one organization
// and project, buckets with versions, channels (a managed `latest` in each)
// and assignment history. It follows the registry's observable rules closely
// enough for lookups (NotFound codes, unassigned channels without a version,
// revocation fields) but does not roll channels back or move `latest` by
// itself; tests arrange those states explicitly. It counts calls so tests can
// assert how many requests a lookup made, and fail makes a method return an
// error.
type fakeRegistry struct {
	mu       sync.Mutex
	loc      client.Location
	now      func() time.Time
	buckets  map[string]*fakeBucket
	calls    map[string]int
	failures map[string]error
	nextID   int
}

type fakeBucket struct {
	bucket   client.Bucket
	versions []*client.Version // oldest first
	channels map[string]*client.Channel
	history  map[string][]client.ChannelAssignment // newest first
}

var _ client.API = (*fakeRegistry)(nil)

const (
	fakeOrganizationID = "11111111-2222-4333-8444-555555555555"
	fakeProjectID      = "66666666-7777-4888-8999-aaaaaaaaaaaa"
)

// fakeEpoch is the fake's clock start; tests place revocations around it.
var fakeEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newFakeRegistry() *fakeRegistry {
	return &fakeRegistry{
		loc:      client.Location{OrganizationID: fakeOrganizationID, ProjectID: fakeProjectID},
		now:      func() time.Time { return fakeEpoch },
		buckets:  map[string]*fakeBucket{},
		calls:    map[string]int{},
		failures: map[string]error{},
	}
}

// fail makes every later call of method return err.
func (f *fakeRegistry) fail(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[method] = err
}

// callCount returns how often method was called.
func (f *fakeRegistry) callCount(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

// apiError builds an error as internal/client returns it.
func apiError(op string, code codes.Code, httpStatus int, msg string) error {
	return &client.Error{Op: op, HTTPStatus: httpStatus, Code: code, Message: msg}
}

// fakeULID returns a unique 26-character id in ULID form, so ids pass the
// version id validator.
func (f *fakeRegistry) fakeULID() string {
	f.nextID++
	s := "01J0000000000000000000" + fmt.Sprintf("%04d", f.nextID)
	return s[len(s)-26:]
}

// enter records a call and returns its injected failure, if any. The caller
// holds f.mu.
func (f *fakeRegistry) enter(method string) error {
	f.calls[method]++
	return f.failures[method]
}

func (f *fakeRegistry) checkLocation(op string, loc client.Location) error {
	if loc != f.loc {
		return apiError(op, codes.NotFound, 404, "project "+loc.ProjectID+" not found")
	}
	return nil
}

func (f *fakeRegistry) bucketOf(op string, loc client.Location, name string) (*fakeBucket, error) {
	if err := f.checkLocation(op, loc); err != nil {
		return nil, err
	}
	b, ok := f.buckets[name]
	if !ok {
		return nil, apiError(op, codes.NotFound, 404, "bucket not found")
	}
	return b, nil
}

func (fb *fakeBucket) version(fingerprint string) *client.Version {
	for _, v := range fb.versions {
		if v.Fingerprint == fingerprint {
			return v
		}
	}
	return nil
}

// --- arranging state ---

// addBucket creates a bucket with its managed `latest` channel.
func (f *fakeRegistry) addBucket(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.createBucketLocked(client.BucketInput{Name: name})
}

func (f *fakeRegistry) createBucketLocked(in client.BucketInput) *fakeBucket {
	now := f.now()
	fb := &fakeBucket{
		bucket: client.Bucket{
			ID: f.fakeULID(), Name: in.Name, Description: in.Description, Labels: maps.Clone(in.Labels),
			OrganizationID: f.loc.OrganizationID, ProjectID: f.loc.ProjectID, CreatedAt: now, UpdatedAt: now,
		},
		channels: map[string]*client.Channel{},
		history:  map[string][]client.ChannelAssignment{},
	}
	fb.channels[client.LatestChannel] = &client.Channel{
		ID: f.fakeULID(), Name: client.LatestChannel, BucketName: in.Name, Managed: true, CreatedAt: now, UpdatedAt: now,
	}
	f.buckets[in.Name] = fb
	return fb
}

// addVersion stores v in bucket, filling ids, bucket name, version ids of
// its builds and timestamps when they are empty. It returns the stored copy.
func (f *fakeRegistry) addVersion(bucket string, v client.Version) client.Version {
	f.mu.Lock()
	defer f.mu.Unlock()
	fb := f.buckets[bucket]
	if fb == nil {
		panic("fakeRegistry.addVersion: no bucket " + bucket)
	}
	if v.ID == "" {
		v.ID = f.fakeULID()
	}
	v.BucketName = bucket
	if v.CreatedAt.IsZero() {
		v.CreatedAt = f.now().Add(time.Duration(len(fb.versions)) * time.Minute)
		v.UpdatedAt = v.CreatedAt
	}
	v.Builds = slices.Clone(v.Builds)
	for i := range v.Builds {
		b := &v.Builds[i]
		if b.ID == "" {
			b.ID = f.fakeULID()
		}
		b.VersionID = v.ID
		b.Artifacts = slices.Clone(b.Artifacts)
		for j := range b.Artifacts {
			if b.Artifacts[j].ID == "" {
				b.Artifacts[j].ID = f.fakeULID()
			}
		}
	}
	stored := copyVersion(&v)
	fb.versions = append(fb.versions, stored)
	return *copyVersion(stored)
}

// assign points channel at the version with fingerprint ("" unassigns),
// creating the channel if needed, and records the history entry.
func (f *fakeRegistry) assign(bucket, channel, fingerprint string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fb := f.buckets[bucket]
	ch := fb.channels[channel]
	if ch == nil {
		ch = &client.Channel{ID: f.fakeULID(), Name: channel, BucketName: bucket, CreatedAt: f.now()}
		fb.channels[channel] = ch
	}
	f.assignLocked(fb, ch, fingerprint)
}

func (f *fakeRegistry) assignLocked(fb *fakeBucket, ch *client.Channel, fingerprint string) {
	entry := client.ChannelAssignment{AssignedAt: f.now(), AuthorID: "fake-principal"}
	ch.Version = nil
	if fingerprint != "" {
		ch.Version = fb.version(fingerprint)
		entry.Version = ch.Version
	}
	ch.UpdatedAt = f.now()
	fb.history[ch.Name] = append([]client.ChannelAssignment{entry}, fb.history[ch.Name]...)
}

// --- client.API ---

func (f *fakeRegistry) ResolveLocation(_ context.Context, projectID string) (client.Location, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ResolveLocation"); err != nil {
		return client.Location{}, err
	}
	if projectID == "" || projectID == f.loc.ProjectID {
		return f.loc, nil
	}
	return client.Location{}, apiError("ProjectService_Get", codes.NotFound, 404, "project not found")
}

func (f *fakeRegistry) ListBuckets(_ context.Context, loc client.Location) ([]client.Bucket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListBuckets"); err != nil {
		return nil, err
	}
	if err := f.checkLocation("ListBuckets", loc); err != nil {
		return nil, err
	}
	var out []client.Bucket
	for _, name := range slices.Sorted(maps.Keys(f.buckets)) {
		out = append(out, f.bucketView(f.buckets[name]))
	}
	return out, nil
}

// bucketView derives the computed bucket fields the way the registry does.
func (f *fakeRegistry) bucketView(fb *fakeBucket) client.Bucket {
	b := fb.bucket
	b.Labels = maps.Clone(b.Labels)
	b.VersionCount = int64(len(fb.versions))
	b.LatestVersion, b.Platforms = nil, nil
	if lv := fb.channels[client.LatestChannel].Version; lv != nil {
		b.LatestVersion = copyVersion(lv)
		for _, build := range lv.Builds {
			if !slices.Contains(b.Platforms, build.Platform) {
				b.Platforms = append(b.Platforms, build.Platform)
			}
		}
	}
	return b
}

func (f *fakeRegistry) GetBucket(_ context.Context, loc client.Location, name string) (*client.Bucket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("GetBucket"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("GetBucket", loc, name)
	if err != nil {
		return nil, err
	}
	b := f.bucketView(fb)
	return &b, nil
}

func (f *fakeRegistry) CreateBucket(_ context.Context, loc client.Location, in client.BucketInput) (*client.Bucket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("CreateBucket"); err != nil {
		return nil, err
	}
	if err := f.checkLocation("CreateBucket", loc); err != nil {
		return nil, err
	}
	if _, ok := f.buckets[in.Name]; ok {
		return nil, apiError("CreateBucket", codes.AlreadyExists, 409, "bucket already exists")
	}
	b := f.bucketView(f.createBucketLocked(in))
	return &b, nil
}

func (f *fakeRegistry) UpdateBucket(_ context.Context, loc client.Location, in client.BucketInput) (*client.Bucket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("UpdateBucket"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("UpdateBucket", loc, in.Name)
	if err != nil {
		return nil, err
	}
	fb.bucket.Description, fb.bucket.Labels, fb.bucket.UpdatedAt = in.Description, maps.Clone(in.Labels), f.now()
	b := f.bucketView(fb)
	return &b, nil
}

func (f *fakeRegistry) DeleteBucket(_ context.Context, loc client.Location, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("DeleteBucket"); err != nil {
		return err
	}
	if _, err := f.bucketOf("DeleteBucket", loc, name); err != nil {
		return err
	}
	delete(f.buckets, name)
	return nil
}

func (f *fakeRegistry) GetVersion(_ context.Context, loc client.Location, bucket, fingerprint string) (*client.Version, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("GetVersion"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("GetVersion", loc, bucket)
	if err != nil {
		return nil, err
	}
	v := fb.version(fingerprint)
	if v == nil {
		return nil, apiError("GetVersion", codes.NotFound, 409, "version not found")
	}
	return copyVersion(v), nil
}

func (f *fakeRegistry) ListVersions(_ context.Context, loc client.Location, bucket string) ([]client.Version, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListVersions"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("ListVersions", loc, bucket)
	if err != nil {
		return nil, err
	}
	out := make([]client.Version, 0, len(fb.versions))
	for i := len(fb.versions) - 1; i >= 0; i-- {
		out = append(out, *copyVersion(fb.versions[i]))
	}
	return out, nil
}

func (f *fakeRegistry) RevokeVersion(_ context.Context, loc client.Location, bucket, fingerprint string, r client.Revocation) (*client.Version, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("RevokeVersion"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("UpdateVersion", loc, bucket)
	if err != nil {
		return nil, err
	}
	v := fb.version(fingerprint)
	if v == nil {
		return nil, apiError("UpdateVersion", codes.NotFound, 404, "version not found")
	}
	at := f.now()
	switch {
	case r.At != nil && r.In != "":
		return nil, apiError("UpdateVersion", codes.InvalidArgument, 400, "only one of revoke_at and revoke_in may be set")
	case r.At != nil:
		at = *r.At
	case r.In != "":
		d, err := parseFakeRevokeIn(r.In)
		if err != nil {
			return nil, apiError("UpdateVersion", codes.InvalidArgument, 400, err.Error())
		}
		at = at.Add(d)
	}
	at = at.UTC().Truncate(time.Millisecond)
	v.RevokeAt, v.RevocationMessage, v.RevocationAuthor, v.RevocationType = &at, r.Message, "fake-principal", "MANUAL"
	v.Status = client.VersionStatusRevocationScheduled
	if !at.After(f.now()) {
		v.Status = client.VersionStatusRevoked
	}
	v.UpdatedAt = f.now()
	return copyVersion(v), nil
}

// parseFakeRevokeIn accepts Go durations plus a whole number of days ("30d"),
// the units the API documents.
func parseFakeRevokeIn(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("invalid revoke_in %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func (f *fakeRegistry) RestoreVersion(_ context.Context, loc client.Location, bucket, fingerprint string) (*client.Version, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("RestoreVersion"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("UpdateVersion", loc, bucket)
	if err != nil {
		return nil, err
	}
	v := fb.version(fingerprint)
	if v == nil {
		return nil, apiError("UpdateVersion", codes.NotFound, 404, "version not found")
	}
	v.RevokeAt, v.RevocationMessage, v.RevocationAuthor, v.RevocationType, v.RevocationInheritedFrom = nil, "", "", "", nil
	v.Status = client.VersionStatusActive
	v.UpdatedAt = f.now()
	return copyVersion(v), nil
}

func (f *fakeRegistry) ListChannels(_ context.Context, loc client.Location, bucket string) ([]client.Channel, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListChannels"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("ListChannels", loc, bucket)
	if err != nil {
		return nil, err
	}
	var out []client.Channel
	for _, name := range slices.Sorted(maps.Keys(fb.channels)) {
		out = append(out, *copyChannel(fb.channels[name]))
	}
	return out, nil
}

func (f *fakeRegistry) GetChannel(_ context.Context, loc client.Location, bucket, name string) (*client.Channel, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("GetChannel"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("GetChannel", loc, bucket)
	if err != nil {
		return nil, err
	}
	ch, ok := fb.channels[name]
	if !ok {
		return nil, apiError("GetChannel", codes.NotFound, 404, "channel not found")
	}
	return copyChannel(ch), nil
}

func (f *fakeRegistry) CreateChannel(_ context.Context, loc client.Location, bucket string, in client.ChannelInput) (*client.Channel, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("CreateChannel"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("CreateChannel", loc, bucket)
	if err != nil {
		return nil, err
	}
	if _, ok := fb.channels[in.Name]; ok {
		return nil, apiError("CreateChannel", codes.AlreadyExists, 409, "channel already exists")
	}
	if err := f.checkAssignable(fb, in.VersionFingerprint); err != nil {
		return nil, err
	}
	ch := &client.Channel{ID: f.fakeULID(), Name: in.Name, BucketName: bucket, Restricted: in.Restricted,
		AuthorID: "fake-principal", CreatedAt: f.now(), UpdatedAt: f.now()}
	fb.channels[in.Name] = ch
	if in.VersionFingerprint != "" {
		f.assignLocked(fb, ch, in.VersionFingerprint)
	}
	return copyChannel(ch), nil
}

// checkAssignable applies the registry's assignment rules to fingerprint.
func (f *fakeRegistry) checkAssignable(fb *fakeBucket, fingerprint string) error {
	if fingerprint == "" {
		return nil
	}
	v := fb.version(fingerprint)
	switch {
	case v == nil:
		return apiError("UpdateChannel", codes.NotFound, 404,
			fmt.Sprintf("version with fingerprint (fingerprint: %s) does not exist", fingerprint))
	case !v.Complete():
		return apiError("UpdateChannel", codes.FailedPrecondition, 400, "version is not complete")
	case v.Revoked(f.now()):
		return apiError("UpdateChannel", codes.FailedPrecondition, 400, "version is revoked")
	}
	return nil
}

func (f *fakeRegistry) UpdateChannel(_ context.Context, loc client.Location, bucket, name string, in client.ChannelUpdate) (*client.Channel, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("UpdateChannel"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("UpdateChannel", loc, bucket)
	if err != nil {
		return nil, err
	}
	ch, ok := fb.channels[name]
	if !ok {
		return nil, apiError("UpdateChannel", codes.NotFound, 404, "channel not found")
	}
	if in.VersionFingerprint != nil {
		if ch.Managed {
			return nil, apiError("UpdateChannel", codes.FailedPrecondition, 400, "cannot assign a version to the managed channel")
		}
		if err := f.checkAssignable(fb, *in.VersionFingerprint); err != nil {
			return nil, err
		}
		f.assignLocked(fb, ch, *in.VersionFingerprint)
	}
	if in.Restricted != nil {
		ch.Restricted = *in.Restricted
	}
	ch.UpdatedAt = f.now()
	return copyChannel(ch), nil
}

func (f *fakeRegistry) DeleteChannel(_ context.Context, loc client.Location, bucket, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("DeleteChannel"); err != nil {
		return err
	}
	fb, err := f.bucketOf("DeleteChannel", loc, bucket)
	if err != nil {
		return err
	}
	ch, ok := fb.channels[name]
	if !ok {
		return apiError("DeleteChannel", codes.NotFound, 404, "channel not found")
	}
	if ch.Managed {
		return apiError("DeleteChannel", codes.FailedPrecondition, 400, "cannot delete the managed channel")
	}
	delete(fb.channels, name)
	delete(fb.history, name)
	return nil
}

func (f *fakeRegistry) ChannelHistory(_ context.Context, loc client.Location, bucket, name string) ([]client.ChannelAssignment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ChannelHistory"); err != nil {
		return nil, err
	}
	fb, err := f.bucketOf("ListChannelAssignmentHistory", loc, bucket)
	if err != nil {
		return nil, err
	}
	if _, ok := fb.channels[name]; !ok {
		return nil, apiError("ListChannelAssignmentHistory", codes.NotFound, 404, "channel not found")
	}
	out := slices.Clone(fb.history[name])
	for i := range out {
		if out[i].Version != nil {
			out[i].Version = copyVersion(out[i].Version)
		}
	}
	return out, nil
}

// copyVersion deep-copies v so callers never alias the fake's state.
func copyVersion(v *client.Version) *client.Version {
	c := *v
	if v.RevokeAt != nil {
		t := *v.RevokeAt
		c.RevokeAt = &t
	}
	if v.RevocationInheritedFrom != nil {
		a := *v.RevocationInheritedFrom
		c.RevocationInheritedFrom = &a
	}
	c.Builds = make([]client.Build, len(v.Builds))
	for i, b := range v.Builds {
		b.Labels = maps.Clone(b.Labels)
		b.Artifacts = slices.Clone(b.Artifacts)
		c.Builds[i] = b
	}
	return &c
}

func copyChannel(ch *client.Channel) *client.Channel {
	c := *ch
	if ch.Version != nil {
		c.Version = copyVersion(ch.Version)
	}
	return &c
}
