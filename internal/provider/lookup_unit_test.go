package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// stubReader answers the four reads a lookup makes (registryReader) from
// fixed versions and channels. It is not a registry: it applies none of the
// registry's rules, it only hands back what the fixture put in it. The
// lookups' acceptance tests run against localhcp; these unit tests need what
// localhcp cannot give them: one chosen read of several failing with a
// chosen error (localhcp refuses a principal's reads all alike, and the
// client's retries and token refresh absorb an Unavailable or
// Unauthenticated), the number of reads a lookup makes, and revocations at
// fixed instants. localhcp could not serve them anyway: internal/acctest
// imports this package, so its internal tests cannot import acctest.
type stubReader struct {
	loc      client.Location
	buckets  map[string][]client.Version           // newest first, as ListVersions answers
	channels map[string]map[string]*client.Channel // by bucket, then name

	mu    sync.Mutex
	calls map[string]int
	fails map[string]error
}

var _ registryReader = (*stubReader)(nil)

const (
	fakeOrganizationID = "11111111-2222-4333-8444-555555555555"
	fakeProjectID      = "66666666-7777-4888-8999-aaaaaaaaaaaa"
)

// fakeEpoch is the fixture's "now"; revocations are placed around it.
var fakeEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// apiError builds an error as internal/client returns it.
func apiError(op string, code codes.Code, httpStatus int, msg string) error {
	return &client.Error{Op: op, HTTPStatus: httpStatus, Code: code, Message: msg}
}

// fail makes every later call of method return err.
func (s *stubReader) fail(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[method] = err
}

// callCount returns how often method was called.
func (s *stubReader) callCount(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// enter counts a call and returns its injected failure, or NotFound for a
// bucket the fixture does not have.
func (s *stubReader) enter(method string, loc client.Location, bucket string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	switch {
	case s.fails[method] != nil:
		return s.fails[method]
	case loc != s.loc:
		return apiError(method, codes.NotFound, 404, "project "+loc.ProjectID+" not found")
	case s.buckets[bucket] == nil && s.channels[bucket] == nil:
		return apiError(method, codes.NotFound, 404, "bucket not found")
	}
	return nil
}

func (s *stubReader) GetBucket(_ context.Context, loc client.Location, name string) (*client.Bucket, error) {
	if err := s.enter("GetBucket", loc, name); err != nil {
		return nil, err
	}
	return &client.Bucket{Name: name}, nil
}

func (s *stubReader) GetChannel(_ context.Context, loc client.Location, bucket, name string) (*client.Channel, error) {
	if err := s.enter("GetChannel", loc, bucket); err != nil {
		return nil, err
	}
	if ch := s.channels[bucket][name]; ch != nil {
		return ch, nil
	}
	return nil, apiError("GetChannel", codes.NotFound, 404, "channel not found")
}

func (s *stubReader) GetVersion(_ context.Context, loc client.Location, bucket, fingerprint string) (*client.Version, error) {
	if err := s.enter("GetVersion", loc, bucket); err != nil {
		return nil, err
	}
	for i, v := range s.buckets[bucket] {
		if v.Fingerprint == fingerprint {
			return &s.buckets[bucket][i], nil
		}
	}
	return nil, apiError("GetVersion", codes.NotFound, 404, "version not found")
}

func (s *stubReader) ListVersions(_ context.Context, loc client.Location, bucket string) ([]client.Version, error) {
	if err := s.enter("ListVersions", loc, bucket); err != nil {
		return nil, err
	}
	return s.buckets[bucket], nil
}

// lookupFixture is bucket "web" with one version for each case the lookup
// distinguishes, and bucket "empty" with nothing published.
type lookupFixture struct {
	api                                *stubReader
	v1, v2, running, revoked, schedule client.Version
}

func at(d time.Duration) *time.Time {
	t := fakeEpoch.Add(d)
	return &t
}

// fixtureID returns the n-th id of the fixture, a ULID so that ids pass the
// version id validator.
func fixtureID(n int) string { return fmt.Sprintf("01J000000000000000000%05d", n) }

func newLookupFixture() *lookupFixture {
	f := &lookupFixture{}
	f.v1 = client.Version{
		ID: fixtureID(1), Fingerprint: "fp-v1", Name: "v1", Status: client.VersionStatusActive, AuthorID: "alice",
		Builds: []client.Build{{
			ID: fixtureID(11), ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Status: client.BuildStatusDone,
			PackerRunUUID: "0b6c5a4e-0000-4000-8000-000000000001", Labels: map[string]string{"os": "ubuntu"},
			Artifacts: []client.Artifact{
				{ExternalIdentifier: "ami-111", Region: "us-east-1", CreatedAt: fakeEpoch},
				{ExternalIdentifier: "ami-112", Region: "us-west-2", CreatedAt: fakeEpoch},
			},
		}},
	}
	f.v2 = client.Version{
		ID: fixtureID(2), Fingerprint: "fp-v2", Name: "v2", Status: client.VersionStatusActive,
		Builds: []client.Build{
			{ID: fixtureID(21), ComponentType: "amazon-ebs.amd", Platform: "aws", Status: client.BuildStatusDone,
				Labels:    map[string]string{"os": "ubuntu", "arch": "amd64"},
				Artifacts: []client.Artifact{{ExternalIdentifier: "ami-amd", Region: "us-east-1"}}},
			{ID: fixtureID(22), ComponentType: "amazon-ebs.arm", Platform: "aws", Status: client.BuildStatusDone,
				Labels:    map[string]string{"os": "ubuntu", "arch": "arm64"},
				Artifacts: []client.Artifact{{ExternalIdentifier: "ami-arm", Region: "us-east-1"}}},
			{ID: fixtureID(23), ComponentType: "azure-arm.ubuntu", Platform: "azure", Status: client.BuildStatusDone,
				Artifacts: []client.Artifact{{ExternalIdentifier: "/images/ubuntu", Region: "eastus"}}},
		},
	}
	f.running = client.Version{
		ID: fixtureID(3), Fingerprint: "fp-running", Name: "v0", Status: client.VersionStatusRunning,
		Builds: []client.Build{{ID: fixtureID(31), ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Status: client.BuildStatusRunning}},
	}
	f.revoked = client.Version{
		ID: fixtureID(4), Fingerprint: "fp-revoked", Name: "v3", Status: client.VersionStatusRevoked,
		RevokeAt: at(-time.Hour), RevocationMessage: "CVE-2026-0001", RevocationAuthor: "bob", RevocationType: "MANUAL",
		Builds: []client.Build{{ID: fixtureID(41), ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Status: client.BuildStatusDone,
			Artifacts: []client.Artifact{{ExternalIdentifier: "ami-333", Region: "us-east-1"}}}},
	}
	f.schedule = client.Version{
		ID: fixtureID(5), Fingerprint: "fp-scheduled", Name: "v4", Status: client.VersionStatusRevocationScheduled,
		RevokeAt: at(time.Hour), RevocationMessage: "end of life", RevocationAuthor: "bob", RevocationType: "MANUAL",
		Builds: []client.Build{{ID: fixtureID(51), ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Status: client.BuildStatusDone,
			Artifacts: []client.Artifact{{ExternalIdentifier: "ami-444", Region: "us-east-1"}}}},
	}
	web := []client.Version{f.schedule, f.revoked, f.running, f.v2, f.v1}
	channel := func(name string, v *client.Version) *client.Channel {
		return &client.Channel{Name: name, BucketName: "web", Managed: name == client.LatestChannel, Version: v}
	}
	f.api = &stubReader{
		loc:     client.Location{OrganizationID: fakeOrganizationID, ProjectID: fakeProjectID},
		buckets: map[string][]client.Version{"web": web, "empty": {}},
		channels: map[string]map[string]*client.Channel{
			"web": {
				"stable":             channel("stable", &web[4]),
				"edge":               channel("edge", &web[3]),
				"pinned-revoked":     channel("pinned-revoked", &web[1]),
				"unassigned":         channel("unassigned", nil),
				client.LatestChannel: channel(client.LatestChannel, &web[0]),
			},
			"empty": {client.LatestChannel: {Name: client.LatestChannel, BucketName: "empty", Managed: true}},
		},
		calls: map[string]int{},
		fails: map[string]error{},
	}
	return f
}

func (f *lookupFixture) query(channel, fingerprint, id string) versionQuery {
	return versionQuery{Location: f.api.loc, Bucket: "web", Channel: channel, Fingerprint: fingerprint, ID: id}
}

// wantLookupError checks err is a lookupError with the given summary and
// attribute whose detail matches every pattern.
func wantLookupError(t *testing.T, err error, summary, attribute string, detail ...string) {
	t.Helper()
	var le *lookupError
	if !errors.As(err, &le) {
		t.Fatalf("error = %v, want a lookupError %q", err, summary)
	}
	if le.Summary != summary || le.Attribute != attribute {
		t.Fatalf("error = %q on %q, want %q on %q (detail: %s)", le.Summary, le.Attribute, summary, attribute, le.Detail)
	}
	for _, p := range detail {
		if !regexp.MustCompile(p).MatchString(le.Detail) {
			t.Errorf("detail %q does not match %q", le.Detail, p)
		}
	}
}

func TestLookupFindsVersionByEachKey(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	cases := []struct {
		name  string
		q     versionQuery
		terms lookupTerms
		want  string
	}{
		{"channel", f.query("stable", "", ""), termsVersion, "fp-v1"},
		{"managed latest channel", f.query("latest", "", ""), termsVersion, "fp-scheduled"},
		{"fingerprint", f.query("", "fp-v2", ""), termsVersion, "fp-v2"},
		{"id", f.query("", "", f.v2.ID), termsVersion, "fp-v2"},
		{"id in lower case", f.query("", "", strings.ToLower(f.v1.ID)), termsArtifact, "fp-v1"},
		{"revoked version is still found", f.query("", "fp-revoked", ""), termsImage, "fp-revoked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := newVersionLookup(f.api, tc.terms).find(context.Background(), tc.q)
			if err != nil {
				t.Fatalf("find: %v", err)
			}
			if v.Fingerprint != tc.want {
				t.Fatalf("found %q, want %q", v.Fingerprint, tc.want)
			}
			if len(v.Builds) == 0 || len(v.Builds[0].Artifacts) == 0 {
				t.Fatalf("version %q came back without its builds and artifacts", v.Fingerprint)
			}
		})
	}
}

func TestLookupReportsWhatIsMissing(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	missingBucket := func(q versionQuery) versionQuery { q.Bucket = "nope"; return q }
	cases := []struct {
		name      string
		q         versionQuery
		terms     lookupTerms
		summary   string
		attribute string
		detail    []string
	}{
		{"unknown channel", f.query("stabel", "", ""), termsVersion, "Channel Not Found", "channel_name",
			[]string{`Bucket "web" has no channel "stabel"`, `hcppacker_channel`}},
		{"unknown channel in 2022 vocabulary", f.query("stabel", "", ""), termsIteration, "Channel Not Found", "channel",
			[]string{`Check channel \(`}},
		{"unknown bucket via channel", missingBucket(f.query("stable", "", "")), termsVersion, "Bucket Not Found", "bucket_name",
			[]string{`Bucket "nope" does not exist in project "` + fakeProjectID + `"`, `packer build`}},
		{"unknown bucket via fingerprint", missingBucket(f.query("", "fp-v1", "")), termsArtifact, "Bucket Not Found", "bucket_name", nil},
		{"unknown bucket via id", missingBucket(f.query("", "", f.v1.ID)), termsImage, "Bucket Not Found", "bucket_name", nil},
		{"unknown fingerprint", f.query("", "fp-nope", ""), termsArtifact, "Version Not Found", "version_fingerprint",
			[]string{`no version with fingerprint "fp-nope"`, `Check version_fingerprint`}},
		{"unknown id", f.query("", "", "01J00000000000000000009999"), termsImage, "Version Not Found", "iteration_id",
			[]string{`no version with id "01J00000000000000000009999"`, `5 versions`, `not its fingerprint`}},
		{"unassigned channel", f.query("unassigned", "", ""), termsVersion, "Channel Has No Version", "channel_name",
			[]string{`Channel "unassigned" of bucket "web" has no version assigned`, `hcppacker_channel_assignment`, `by fingerprint instead`}},
		{"unassigned channel, iteration has no fingerprint key", f.query("unassigned", "", ""), termsIteration, "Channel Has No Version", "channel",
			[]string{`hcppacker_channel_assignment resource\.$`}},
		{"incomplete version by fingerprint", f.query("", "fp-running", ""), termsVersion, "Version Not Complete", "fingerprint",
			[]string{`Version v0 \(fingerprint "fp-running"\) of bucket "web" is not complete`, `VERSION_RUNNING`, `HCP_PACKER_BUILD_FINGERPRINT=fp-running`}},
		{"incomplete version by id", f.query("", "", f.running.ID), termsArtifact, "Version Not Complete", "version_id", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := newVersionLookup(f.api, tc.terms).find(context.Background(), tc.q)
			wantLookupError(t, err, tc.summary, tc.attribute, tc.detail...)
		})
	}
}

func TestLookupUnassignedManagedChannelSaysPublish(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	q := f.query("latest", "", "")
	q.Bucket = "empty"
	_, err := newVersionLookup(f.api, termsVersion).find(context.Background(), q)
	wantLookupError(t, err, "Channel Has No Version", "channel_name", `Channel "latest" of bucket "empty"`, `publish one with packer build`)
}

func TestLookupReportsAPIFailures(t *testing.T) {
	t.Parallel()
	denied := apiError("GetChannel", codes.PermissionDenied, 403, "principal lacks packer.channels.get")
	unavailable := apiError("GetVersion", codes.Unavailable, 503, "service unavailable")
	cases := []struct {
		name      string
		method    string
		err       error
		q         func(f *lookupFixture) versionQuery
		summary   string
		attribute string
		detail    []string
	}{
		{"permission denied on channel", "GetChannel", denied, func(f *lookupFixture) versionQuery { return f.query("stable", "", "") },
			"Permission Denied", "channel_name", []string{`may not read channel "stable" of bucket "web"`, `packer.channels.get`, `viewer role`}},
		{"unavailable on fingerprint", "GetVersion", unavailable, func(f *lookupFixture) versionQuery { return f.query("", "fp-v1", "") },
			"Unable to Read Version", "fingerprint", []string{`fingerprint "fp-v1" of bucket "web"`, `service unavailable`, `Retry`}},
		{"list failure on id", "ListVersions", unavailable, func(f *lookupFixture) versionQuery { return f.query("", "", "01J00000000000000000000001") },
			"Unable to Read Versions", "bucket_name", []string{`versions of bucket "web"`}},
		{"expired credentials", "GetChannel", apiError("GetChannel", codes.Unauthenticated, 401, "token expired"),
			func(f *lookupFixture) versionQuery { return f.query("stable", "", "") },
			"Authentication Failed", "channel_name", []string{`when trying to read channel "stable" of bucket "web": token expired`, `HCP_CLIENT_ID`}},
		{"bucket check failure after a missing channel", "GetBucket", denied, func(f *lookupFixture) versionQuery { return f.query("nope", "", "") },
			"Permission Denied", "bucket_name", []string{`may not read bucket "web"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newLookupFixture()
			f.api.fail(tc.method, tc.err)
			_, err := newVersionLookup(f.api, termsVersion).find(context.Background(), tc.q(f))
			wantLookupError(t, err, tc.summary, tc.attribute, tc.detail...)
		})
	}
}

// A successful lookup costs one request by channel or fingerprint and two by
// id (the API has no lookup by id); only a failed one checks the bucket.
// These counts are what a per-operation cache would save.
func TestLookupRequestCounts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		q    func(f *lookupFixture) versionQuery
		want map[string]int
	}{
		{"channel", func(f *lookupFixture) versionQuery { return f.query("stable", "", "") }, map[string]int{"GetChannel": 1}},
		{"fingerprint", func(f *lookupFixture) versionQuery { return f.query("", "fp-v2", "") }, map[string]int{"GetVersion": 1}},
		{"id", func(f *lookupFixture) versionQuery { return f.query("", "", f.v2.ID) }, map[string]int{"ListVersions": 1, "GetVersion": 1}},
		{"missing channel", func(f *lookupFixture) versionQuery { return f.query("nope", "", "") }, map[string]int{"GetChannel": 1, "GetBucket": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newLookupFixture()
			_, _ = newVersionLookup(f.api, termsVersion).find(context.Background(), tc.q(f))
			for _, method := range []string{"GetChannel", "GetVersion", "ListVersions", "GetBucket"} {
				if got := f.api.callCount(method); got != tc.want[method] {
					t.Errorf("%s called %d times, want %d", method, got, tc.want[method])
				}
			}
		})
	}
}

func TestLookupRevocationPolicy(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	cases := []struct {
		name        string
		q           versionQuery
		reject      bool
		wantErr     []string
		wantWarning bool
	}{
		{"revoked via channel, rejected", f.query("pinned-revoked", "", ""), true,
			[]string{`Version v3 \(fingerprint "fp-revoked"\) of bucket "web", assigned to channel "pinned-revoked", was revoked at 2026-03-01T11:00:00Z`,
				`"CVE-2026-0001"`, `Assign a valid version to channel "pinned-revoked"`, `reject_revoked = false`}, false},
		{"revoked via fingerprint, rejected", f.query("", "fp-revoked", ""), true,
			[]string{`Version v3 \(fingerprint "fp-revoked"\) of bucket "web" was revoked`, `Look up a valid version`}, false},
		{"revoked, not rejected", f.query("", "fp-revoked", ""), false, nil, false},
		{"scheduled, rejected, only warns", f.query("latest", "", ""), true, nil, true},
		{"scheduled, not rejected", f.query("latest", "", ""), false, nil, false},
		{"active, rejected", f.query("stable", "", ""), true, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, diags := newVersionLookup(f.api, termsVersion).resolve(context.Background(), tc.q, tc.reject, fakeEpoch)
			if len(tc.wantErr) > 0 {
				if !diags.HasError() || v != nil {
					t.Fatalf("resolve returned %v, %v; want an error", v, diags)
				}
				d := diags.Errors()[0]
				if d.Summary() != "Version Revoked" {
					t.Fatalf("summary %q, want Version Revoked", d.Summary())
				}
				for _, p := range tc.wantErr {
					if !regexp.MustCompile(p).MatchString(d.Detail()) {
						t.Errorf("detail %q does not match %q", d.Detail(), p)
					}
				}
				return
			}
			if diags.HasError() || v == nil {
				t.Fatalf("resolve: %v", diags)
			}
			if got := diags.WarningsCount() > 0; got != tc.wantWarning {
				t.Fatalf("warnings %v, want a warning: %v", diags, tc.wantWarning)
			}
			if tc.wantWarning && !strings.Contains(diags.Warnings()[0].Detail(), "will be revoked at 2026-03-01T13:00:00Z") {
				t.Fatalf("warning detail %q does not say when", diags.Warnings()[0].Detail())
			}
		})
	}
}

// A scheduled revocation becomes effective when the clock passes revoke_at,
// with no change on the registry's side.
func TestLookupRevocationFollowsTheClock(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	l := newVersionLookup(f.api, termsVersion)
	q := f.query("latest", "", "")
	if _, diags := l.resolve(context.Background(), q, true, fakeEpoch.Add(59*time.Minute)); diags.HasError() {
		t.Fatalf("before revoke_at: %v", diags)
	}
	if _, diags := l.resolve(context.Background(), q, true, fakeEpoch.Add(time.Hour)); !diags.HasError() {
		t.Fatal("at revoke_at the version must count as revoked")
	}
}

func TestRevocationModel(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	cases := []struct {
		name                string
		v                   client.Version
		revoked, scheduled  bool
		revokeAt, message   string
		author, revokedType string
	}{
		{"not revoked", f.v1, false, false, "", "", "", ""},
		{"revoked", f.revoked, true, false, "2026-03-01T11:00:00.000Z", "CVE-2026-0001", "bob", "MANUAL"},
		{"scheduled", f.schedule, false, true, "2026-03-01T13:00:00.000Z", "end of life", "bob", "MANUAL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newLookupRevocationModel(&tc.v, fakeEpoch, types.BoolNull())
			if m.Revoked.ValueBool() != tc.revoked || m.RevocationScheduled.ValueBool() != tc.scheduled {
				t.Fatalf("revoked=%v scheduled=%v, want %v %v", m.Revoked, m.RevocationScheduled, tc.revoked, tc.scheduled)
			}
			for _, c := range []struct {
				attr string
				got  interface {
					IsNull() bool
					ValueString() string
				}
				want string
			}{
				{"revoke_at", m.RevokeAt, tc.revokeAt},
				{"revocation_message", m.RevocationMessage, tc.message},
				{"revocation_author", m.RevocationAuthor, tc.author},
				{"revocation_type", m.RevocationType, tc.revokedType},
			} {
				if c.want == "" && !c.got.IsNull() {
					t.Errorf("%s = %q, want null", c.attr, c.got.ValueString())
				}
				if c.want != "" && c.got.ValueString() != c.want {
					t.Errorf("%s = %q, want %q", c.attr, c.got.ValueString(), c.want)
				}
			}
			if m.Status.ValueString() != tc.v.Status {
				t.Errorf("status = %q, want %q", m.Status.ValueString(), tc.v.Status)
			}
		})
	}
}

func TestSelectArtifact(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	cases := []struct {
		name    string
		v       client.Version
		terms   lookupTerms
		aq      artifactQuery
		want    string   // external identifier picked
		summary string   // or the error
		detail  []string // patterns the error detail must match
	}{
		{"one build, region picked", f.v1, termsArtifact, artifactQuery{Platform: "aws", Region: "us-west-2"}, "ami-112", "", nil},
		{"component type filter", f.v2, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1", ComponentType: "amazon-ebs.arm"}, "ami-arm", "", nil},
		{"labels subset", f.v2, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1", Labels: map[string]string{"arch": "amd64"}}, "ami-amd", "", nil},
		{"all labels of the build", f.v2, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1", Labels: map[string]string{"arch": "arm64", "os": "ubuntu"}}, "ami-arm", "", nil},
		{"other platform", f.v2, termsImage, artifactQuery{Platform: "azure", Region: "eastus"}, "/images/ubuntu", "", nil},
		{"region never substituted", f.v1, termsArtifact, artifactQuery{Platform: "aws", Region: "eu-west-1"}, "", "Artifact Not Found",
			[]string{`has no artifact with platform = "aws", region = "eu-west-1"`, `never taken from another region`,
				`platform "aws", region "us-east-1", component_type "amazon-ebs.ubuntu", labels \{os="ubuntu"\}`,
				`platform "aws", region "us-west-2"`, `Change platform, region, component_type or labels`}},
		{"platform is case-sensitive", f.v1, termsImage, artifactQuery{Platform: "AWS", Region: "us-east-1"}, "", "Artifact Not Found",
			[]string{`cloud_provider = "AWS"`, `cloud_provider "aws", region "us-east-1", component_type "amazon-ebs.ubuntu"\n`,
				`Change cloud_provider, region or component_type to match`}},
		{"unknown component type", f.v2, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1", ComponentType: "qemu.x"}, "", "Artifact Not Found",
			[]string{`component_type = "qemu.x"`, `component_type "amazon-ebs.arm"`}},
		{"labels not on any build", f.v2, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1", Labels: map[string]string{"os": "debian"}}, "", "Artifact Not Found",
			[]string{`labels ⊆ \{os="debian"\}`, `labels \{arch="amd64", os="ubuntu"\}`}},
		{"several builds in one region", f.v2, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1"}, "", "Several Artifacts Match",
			[]string{`^2 artifacts of version v2 \(fingerprint "fp-v2"\) of bucket "web" match platform = "aws", region = "us-east-1"`,
				`build ` + f.v2.Builds[0].ID + `, component_type "amazon-ebs.amd", external id "ami-amd"`,
				`build ` + f.v2.Builds[1].ID + `, component_type "amazon-ebs.arm", external id "ami-arm"`,
				`Set component_type or labels to pick exactly one`}},
		{"shared labels stay ambiguous", f.v2, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1", Labels: map[string]string{"os": "ubuntu"}}, "", "Several Artifacts Match", nil},
		{"2022 vocabulary has no labels", f.v2, termsImage, artifactQuery{Platform: "aws", Region: "us-east-1"}, "", "Several Artifacts Match",
			[]string{`cloud_provider = "aws"`, `Set component_type to pick exactly one`}},
		{"version without artifacts", f.running, termsArtifact, artifactQuery{Platform: "aws", Region: "us-east-1"}, "", "Artifact Not Found",
			[]string{`The version has no artifacts\.`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := newVersionLookup(f.api, tc.terms)
			q := f.query("", tc.v.Fingerprint, "")
			got, err := l.selectArtifact(q, &tc.v, tc.aq)
			if tc.summary != "" {
				wantLookupError(t, err, tc.summary, "", tc.detail...)
				return
			}
			if err != nil {
				t.Fatalf("selectArtifact: %v", err)
			}
			if got.Artifact.ExternalIdentifier != tc.want {
				t.Fatalf("picked %q, want %q", got.Artifact.ExternalIdentifier, tc.want)
			}
			if got.Build.Platform != tc.aq.Platform || got.Artifact.Region != tc.aq.Region {
				t.Fatalf("picked %s/%s for %s/%s", got.Build.Platform, got.Artifact.Region, tc.aq.Platform, tc.aq.Region)
			}
		})
	}
}

func TestResolveArtifactStopsAtTheVersionError(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	l := newVersionLookup(f.api, termsArtifact)
	_, _, diags := l.resolveArtifact(context.Background(), f.query("pinned-revoked", "", ""),
		artifactQuery{Platform: "aws", Region: "eu-west-1"}, true, fakeEpoch)
	if diags.ErrorsCount() != 1 || diags.Errors()[0].Summary() != "Version Revoked" {
		t.Fatalf("diags = %v, want only Version Revoked", diags)
	}
	v, c, diags := l.resolveArtifact(context.Background(), f.query("edge", "", ""),
		artifactQuery{Platform: "azure", Region: "eastus"}, true, fakeEpoch)
	if diags.HasError() || v.Fingerprint != "fp-v2" || c.Artifact.ExternalIdentifier != "/images/ubuntu" {
		t.Fatalf("resolveArtifact = %v, %v, %v", v, c, diags)
	}
}

func TestAddLookupError(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	addLookupError(&diags, &lookupError{Attribute: "channel_name", Summary: "Channel Not Found", Detail: "d"})
	addLookupError(&diags, &lookupError{Summary: "Version Revoked", Detail: "d"})
	addLookupError(&diags, errors.New("boom"))
	if diags.ErrorsCount() != 3 {
		t.Fatalf("got %d errors, want 3", diags.ErrorsCount())
	}
	if wp, ok := diags.Errors()[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("channel_name")) {
		t.Fatalf("the first error must point at channel_name: %v", diags.Errors()[0])
	}
	if _, ok := diags.Errors()[1].(diag.DiagnosticWithPath); ok {
		t.Fatalf("an error without an attribute must not carry a path: %v", diags.Errors()[1])
	}
	if !strings.Contains(diags.Errors()[2].Detail(), "bug in the provider") {
		t.Fatalf("a foreign error must be reported as a bug: %q", diags.Errors()[2].Detail())
	}
}
