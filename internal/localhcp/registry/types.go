// Package registry holds the HCP Packer registry rules localhcp follows:
// version naming and completion, status at read time, the managed `latest`
// channel, channel assignment, revocation (scheduled, inherited, rollback,
// restore) and ancestry. HTTP handlers and tests call these functions
// directly; persistence sits behind the Tx interface.
package registry

import (
	"encoding/json"
	"strconv"
	"time"
)

// Build statuses, as the API spells them.
const (
	BuildUnset     = "BUILD_UNSET"
	BuildRunning   = "BUILD_RUNNING"
	BuildDone      = "BUILD_DONE"
	BuildCancelled = "BUILD_CANCELLED"
	BuildFailed    = "BUILD_FAILED"
)

// Version statuses, as the API spells them.
const (
	VersionUnset               = "VERSION_UNSET"
	VersionRunning             = "VERSION_RUNNING"
	VersionCancelled           = "VERSION_CANCELLED"
	VersionFailed              = "VERSION_FAILED"
	VersionRevoked             = "VERSION_REVOKED"
	VersionRevocationScheduled = "VERSION_REVOCATION_SCHEDULED"
	VersionActive              = "VERSION_ACTIVE"
	VersionIncomplete          = "VERSION_INCOMPLETE"
)

// Template types and revocation types, as the API spells them.
const (
	TemplateTypeUnset = "TEMPLATE_TYPE_UNSET"
	TemplateHCL2      = "HCL2"
	TemplateJSON      = "JSON"

	RevocationManual    = "MANUAL"
	RevocationInherited = "INHERITED"
)

// LatestChannel is the channel the registry manages in every bucket.
const LatestChannel = "latest"

// Bucket is a stored bucket.
type Bucket struct {
	ID          string
	ProjectID   string
	Name        string
	Description string
	Labels      map[string]string
	// LastVersionNumber is the N of the last version that completed; numbers
	// are never reused, even after a delete.
	LastVersionNumber int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Version is a stored version. Its status is not stored: Status derives it
// at read time so scheduled revocations take effect on their own.
type Version struct {
	ID           string
	BucketID     string
	Fingerprint  string
	AuthorID     string
	TemplateType string
	// Number is 0 while the version is incomplete ("v0"), then N ("vN").
	Number int64

	// RevokeAt is nil when no revocation is recorded.
	RevokeAt          *time.Time
	RevocationMessage string
	RevocationAuthor  string
	RevocationType    string
	// RevocationInheritedFrom is the id of the ancestor version whose
	// revocation this one inherited.
	RevocationInheritedFrom string
	// RollbackDisabled records disable_rollback_channels for a revocation
	// whose channel effects are applied later.
	RollbackDisabled bool
	// RevocationApplied records that channels were rolled back (or
	// deliberately left alone) for the current revocation.
	RevocationApplied bool
	// Own is the revocation requested on this version itself, kept apart
	// from the fields above (the revocation in force, which may be
	// inherited) so that an ancestor's restore gives it back.
	Own *OwnRevocation
	// RestoredAt is when the version was last restored; revocations of
	// ancestors requested before it are not inherited again.
	RestoredAt time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
}

// OwnRevocation is a revocation requested on a version by UpdateVersion.
type OwnRevocation struct {
	At               time.Time
	Message          string
	Author           string
	RollbackDisabled bool
	// Descendants is false when skip_descendants_revocation was set.
	Descendants bool
	RequestedAt time.Time
}

// Complete reports whether the registry has named the version.
func (v *Version) Complete() bool { return v.Number > 0 }

// Name is the version's public name: "v0" until it completes, then "vN".
func (v *Version) Name() string { return "v" + strconv.FormatInt(v.Number, 10) }

// RevokedAt reports whether the version's revocation has taken effect at now.
func (v *Version) RevokedAt(now time.Time) bool {
	return v.RevokeAt != nil && !v.RevokeAt.After(now)
}

// Build is a stored build with its artifacts.
type Build struct {
	ID                       string
	VersionID                string
	ComponentType            string
	PackerRunUUID            string
	Platform                 string
	SourceExternalIdentifier string
	Status                   string
	Labels                   map[string]string
	// Metadata is the free-form {packer, vcs, cicd} object as sent, or nil.
	Metadata        json.RawMessage
	ParentVersionID string
	ParentChannelID string
	Artifacts       []Artifact
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Artifact is one published image of a build.
type Artifact struct {
	ID                 string
	ExternalIdentifier string
	Region             string
	CreatedAt          time.Time
}

// Channel is a stored channel. VersionID is "" when unassigned.
type Channel struct {
	ID         string
	BucketID   string
	Name       string
	AuthorID   string
	Managed    bool
	Restricted bool
	VersionID  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Assignment is one entry of a channel's assignment history. VersionID is
// "" for an entry that unassigned the channel.
type Assignment struct {
	ChannelID  string
	VersionID  string
	AuthorID   string
	AssignedAt time.Time
}

// Registry is a project's HCP Packer registry.
type Registry struct {
	ID        string
	ProjectID string
	Activated bool
	Tier      string
	HMACKey   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Operation is a long-running-operation record. localhcp finishes every
// operation before answering, so all are DONE.
type Operation struct {
	ID             string
	OrganizationID string
	ProjectID      string
	LinkType       string
	LinkID         string
	Description    string
	CreatedAt      time.Time
}

// SBOM is an uploaded software bill of materials of a build.
type SBOM struct {
	ID        string
	BuildID   string
	Name      string
	Format    string
	Content   []byte
	CreatedAt time.Time
}
