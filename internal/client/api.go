// Package client is the only package of the provider that talks to HCP. It
// wraps hcp-sdk-go's resource-manager and Packer 2023-01-01 clients behind the
// small API interface below, converts the SDK's models into plain Go types,
// retries what is safe to retry, classifies errors by their gRPC code and keeps
// secrets out of logs.
package client

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// API is what the provider's resources and data sources depend on. The real
// implementation is *Client; unit tests substitute fakes. Answers are
// read-only: Coalesce hands the same one to every caller.
type API interface {
	// ResolveLocation returns the location of projectID (its organization
	// comes from the project's parent). An empty projectID yields the
	// provider's default location.
	ResolveLocation(ctx context.Context, projectID string) (Location, error)

	ListBuckets(ctx context.Context, loc Location) ([]Bucket, error)
	GetBucket(ctx context.Context, loc Location, name string) (*Bucket, error)
	CreateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error)
	UpdateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error)
	DeleteBucket(ctx context.Context, loc Location, name string) error

	// GetVersion reports a missing version as a NotFound error (the API
	// itself answers Aborted on this call; the client normalises it).
	GetVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error)
	// ListVersions returns every version of the bucket, newest first,
	// following pagination to the end.
	ListVersions(ctx context.Context, loc Location, bucket string) ([]Version, error)
	RevokeVersion(ctx context.Context, loc Location, bucket, fingerprint string, r Revocation) (*Version, error)
	RestoreVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error)

	ListChannels(ctx context.Context, loc Location, bucket string) ([]Channel, error)
	GetChannel(ctx context.Context, loc Location, bucket, name string) (*Channel, error)
	CreateChannel(ctx context.Context, loc Location, bucket string, in ChannelInput) (*Channel, error)
	UpdateChannel(ctx context.Context, loc Location, bucket, name string, in ChannelUpdate) (*Channel, error)
	DeleteChannel(ctx context.Context, loc Location, bucket, name string) error
	// ChannelHistory returns the channel's assignments, newest first,
	// following pagination to the end.
	ChannelHistory(ctx context.Context, loc Location, bucket, name string) ([]ChannelAssignment, error)

	// GetRunTask returns the project registry's HCP Terraform run task, its
	// HMAC key included, which only a contributor may read.
	GetRunTask(ctx context.Context, loc Location) (*RunTask, error)
	// RegenerateRunTaskKey replaces the HMAC key and returns the new one.
	RegenerateRunTaskKey(ctx context.Context, loc Location) (string, error)

	// GetBucketIAMPolicy and SetBucketIAMPolicy read and replace a bucket's
	// IAM policy; a stale etag on the set is Aborted.
	GetBucketIAMPolicy(ctx context.Context, loc Location, bucket string) (*IAMPolicy, error)
	SetBucketIAMPolicy(ctx context.Context, loc Location, bucket string, p IAMPolicy) (*IAMPolicy, error)
	// PrincipalMemberTypes returns the binding member type of each
	// principal id of the organization; an unknown id is NotFound.
	PrincipalMemberTypes(ctx context.Context, loc Location, ids []string) (map[string]string, error)
}

// Location names the organization and project an object lives in.
type Location struct {
	OrganizationID string
	ProjectID      string
}

// Version statuses as the API spells them.
const (
	VersionStatusUnset               = "VERSION_UNSET"
	VersionStatusRunning             = "VERSION_RUNNING"
	VersionStatusCancelled           = "VERSION_CANCELLED"
	VersionStatusFailed              = "VERSION_FAILED"
	VersionStatusRevoked             = "VERSION_REVOKED"
	VersionStatusRevocationScheduled = "VERSION_REVOCATION_SCHEDULED"
	VersionStatusActive              = "VERSION_ACTIVE"
	VersionStatusIncomplete          = "VERSION_INCOMPLETE"
)

// Build statuses as the API spells them.
const (
	BuildStatusUnset     = "BUILD_UNSET"
	BuildStatusRunning   = "BUILD_RUNNING"
	BuildStatusDone      = "BUILD_DONE"
	BuildStatusCancelled = "BUILD_CANCELLED"
	BuildStatusFailed    = "BUILD_FAILED"
)

// LatestChannel is the name of the channel HCP Packer manages in every bucket.
const LatestChannel = "latest"

// Bucket is an HCP Packer bucket.
type Bucket struct {
	ID             string
	Name           string
	Description    string
	Labels         map[string]string
	OrganizationID string
	ProjectID      string
	Platforms      []string
	VersionCount   int64
	// LatestVersion is the newest complete, unrevoked version; nil if none.
	LatestVersion *Version
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ResourceName is the bucket's HCP resource name, the form the official
// provider imports: packer/project/<project_id>/bucket/<name>.
func (b Bucket) ResourceName() string {
	return "packer/project/" + b.ProjectID + "/bucket/" + b.Name
}

// BucketInput is what CreateBucket and UpdateBucket send. UpdateBucket
// replaces both the description and the labels.
type BucketInput struct {
	Name        string
	Description string
	Labels      map[string]string
}

// Version is an HCP Packer version (formerly an iteration).
type Version struct {
	ID           string
	BucketName   string
	Fingerprint  string
	Name         string // "v0" while incomplete, then "v1", "v2", …
	AuthorID     string
	Status       string
	TemplateType string
	Builds       []Build

	HasDescendants bool

	// RevokeAt is nil when the version is not revoked (never a zero time).
	RevokeAt                *time.Time
	RevocationMessage       string
	RevocationAuthor        string
	RevocationType          string // MANUAL or INHERITED when revoked
	RevocationInheritedFrom *RevokedAncestor

	CreatedAt time.Time
	UpdatedAt time.Time
}

// RevokedAncestor names the version a revocation was inherited from.
type RevokedAncestor struct {
	BucketName         string
	VersionFingerprint string
	VersionID          string
	VersionName        string
}

// Complete reports whether every build of the version finished and the
// registry gave it an incremental name.
func (v Version) Complete() bool {
	n, ok := v.IncrementalVersion()
	return ok && n > 0
}

// IncrementalVersion parses the N of the version's name "vN".
func (v Version) IncrementalVersion() (int64, bool) {
	if !strings.HasPrefix(v.Name, "v") {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Name[1:], 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// Revoked reports whether the version's revocation has taken effect at now.
func (v Version) Revoked(now time.Time) bool {
	return v.RevokeAt != nil && !v.RevokeAt.After(now)
}

// RevocationScheduled reports whether the version will be revoked after now.
func (v Version) RevocationScheduled(now time.Time) bool {
	return v.RevokeAt != nil && v.RevokeAt.After(now)
}

// Build is one Packer build of a version: one component on one platform.
type Build struct {
	ID                       string
	VersionID                string
	ComponentType            string
	PackerRunUUID            string
	Platform                 string
	SourceExternalIdentifier string
	Status                   string
	Labels                   map[string]string
	Artifacts                []Artifact
	CreatedAt                time.Time
	UpdatedAt                time.Time
}

// Artifact is one cloud image (formerly an "image"): an AMI id in a region.
type Artifact struct {
	ID                 string
	ExternalIdentifier string
	Region             string
	CreatedAt          time.Time
}

// Channel is a named pointer to a version.
type Channel struct {
	ID         string
	Name       string
	BucketName string
	AuthorID   string
	Managed    bool
	Restricted bool
	// Version is nil when the channel is unassigned.
	Version   *Version
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ChannelInput is what CreateChannel sends. An empty VersionFingerprint
// creates an unassigned channel.
type ChannelInput struct {
	Name               string
	Restricted         bool
	VersionFingerprint string
}

// ChannelUpdate changes only the fields that are non-nil. A VersionFingerprint
// pointing at "" unassigns the channel.
type ChannelUpdate struct {
	Restricted         *bool
	VersionFingerprint *string
}

// ChannelAssignment is one entry of a channel's assignment history. Version
// is nil for an entry that unassigned the channel.
type ChannelAssignment struct {
	AssignedAt time.Time
	AuthorID   string
	Version    *Version
}

// Revocation is what RevokeVersion asks for. At most one of At and In is set;
// with neither, the version is revoked immediately.
type Revocation struct {
	At                      *time.Time
	In                      string // duration with units s, m, h, d ("30d", "2h45m")
	Message                 string
	SkipDescendants         bool
	DisableRollbackChannels bool
}
