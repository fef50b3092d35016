package registry

import (
	"context"
	"time"
)

// Store runs functions inside transactions. Update commits before it
// returns, so every acknowledged write is durable; a function's error rolls
// its transaction back.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
}

// Tx is the persistence the registry rules need. Getters return ErrNotFound
// for a missing object. Lists come in no promised order; the service sorts.
type Tx interface {
	Registry(projectID string) (*Registry, error)
	PutRegistry(r *Registry) error
	DeleteRegistry(projectID string) error

	BucketByName(projectID, name string) (*Bucket, error)
	BucketByID(id string) (*Bucket, error)
	Buckets(projectID string) ([]Bucket, error)
	InsertBucket(b *Bucket) error
	UpdateBucket(b *Bucket) error
	// DeleteBucket removes the bucket with its versions, builds, channels
	// and history.
	DeleteBucket(id string) error

	VersionByFingerprint(bucketID, fingerprint string) (*Version, error)
	VersionByID(id string) (*Version, error)
	Versions(bucketID string) ([]Version, error)
	// NewestValidVersion returns the complete version of the bucket with the
	// highest number whose revocation has not taken effect at now, or
	// ErrNotFound.
	NewestValidVersion(bucketID string, now time.Time) (*Version, error)
	// VersionCount counts every version of the bucket, complete or not.
	VersionCount(bucketID string) (int64, error)
	InsertVersion(v *Version) error
	UpdateVersion(v *Version) error
	// DeleteVersion removes the version with its builds and any history
	// entry that names it.
	DeleteVersion(id string) error
	// DueRevocations lists versions whose revocation took effect at or
	// before now but whose channel effects are not applied yet.
	DueRevocations(now time.Time) ([]Version, error)
	// HasDueRevocations is the cheap check run before every request.
	HasDueRevocations(now time.Time) (bool, error)

	Builds(versionID string) ([]Build, error)
	BuildByID(versionID, id string) (*Build, error)
	// Build returns a build by id alone, whatever its version.
	Build(id string) (*Build, error)
	InsertBuild(b *Build) error
	UpdateBuild(b *Build) error
	DeleteBuild(id string) error
	// BuildsWithParent lists builds, in any bucket, whose parent version is
	// parentVersionID.
	BuildsWithParent(parentVersionID string) ([]Build, error)
	// HasBuildsWithParent reports whether any build, in any bucket, names
	// parentVersionID as its parent version.
	HasBuildsWithParent(parentVersionID string) (bool, error)
	// BuildByComponentType returns the build of versionID for
	// componentType, or ErrNotFound.
	BuildByComponentType(versionID, componentType string) (*Build, error)
	// BuildsWithParentIn lists builds whose parent version is any version of
	// the bucket.
	BuildsWithParentIn(bucketID string) ([]Build, error)

	ChannelByName(bucketID, name string) (*Channel, error)
	ChannelByID(id string) (*Channel, error)
	Channels(bucketID string) ([]Channel, error)
	// ChannelsOnVersion lists the channels currently assigned versionID.
	ChannelsOnVersion(versionID string) ([]Channel, error)
	InsertChannel(c *Channel) error
	UpdateChannel(c *Channel) error
	DeleteChannel(id string) error
	AppendAssignment(a *Assignment) error
	// Assignments lists a channel's history, newest first.
	Assignments(channelID string) ([]Assignment, error)

	InsertOperation(op *Operation) error
	Operation(id string) (*Operation, error)
	Operations(projectID string) ([]Operation, error)

	// PutSBOM stores an SBOM, replacing the build's SBOM of the same name.
	PutSBOM(s *SBOM) error
	// SBOMs lists a build's SBOMs.
	SBOMs(buildID string) ([]SBOM, error)
	SBOMByName(buildID, name string) (*SBOM, error)
	SBOMByID(id string) (*SBOM, error)
}
