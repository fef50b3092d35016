package wire

import "encoding/json"

// Status is the error body of every failed call (google.rpc.Status).
type Status struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Details []any  `json:"details"`
}

// Pagination is the pagination block of list responses.
type Pagination struct {
	NextPageToken     string `json:"next_page_token,omitempty"`
	PreviousPageToken string `json:"previous_page_token,omitempty"`
}

// Region is a cloud region of a location.
type Region struct {
	Provider string `json:"provider"`
	Region   string `json:"region"`
}

// Location names the organization and project of an object.
type Location struct {
	OrganizationID string  `json:"organization_id"`
	ProjectID      string  `json:"project_id"`
	Region         *Region `json:"region,omitempty"`
}

// AncestryLink is the {href, status} summary on buckets and versions.
type AncestryLink struct {
	Href   string `json:"href"`
	Status string `json:"status"`
}

// Bucket is model:bucket.
type Bucket struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Labels        map[string]string `json:"labels"`
	Location      Location          `json:"location"`
	ResourceName  string            `json:"resource_name"`
	Platforms     []string          `json:"platforms"`
	VersionCount  string            `json:"version_count"`
	LatestVersion *Version          `json:"latest_version,omitempty"`
	Parents       AncestryLink      `json:"parents"`
	Children      AncestryLink      `json:"children"`
	CreatedAt     Time              `json:"created_at"`
	UpdatedAt     Time              `json:"updated_at"`
}

// Version is model:version.
type Version struct {
	ID                      string           `json:"id"`
	BucketName              string           `json:"bucket_name"`
	Fingerprint             string           `json:"fingerprint"`
	Name                    string           `json:"name"`
	AuthorID                string           `json:"author_id"`
	Status                  string           `json:"status"`
	TemplateType            string           `json:"template_type"`
	Builds                  []Build          `json:"builds"`
	HasDescendants          bool             `json:"has_descendants"`
	Parents                 AncestryLink     `json:"parents"`
	RevokeAt                *Time            `json:"revoke_at,omitempty"`
	RevocationMessage       string           `json:"revocation_message,omitempty"`
	RevocationAuthor        string           `json:"revocation_author,omitempty"`
	RevocationType          string           `json:"revocation_type,omitempty"`
	RevocationInheritedFrom *RevokedAncestor `json:"revocation_inherited_from,omitempty"`
	CreatedAt               Time             `json:"created_at"`
	UpdatedAt               Time             `json:"updated_at"`
}

// RevokedAncestor is model:revoked_ancestor.
type RevokedAncestor struct {
	BucketName         string `json:"bucket_name,omitempty"`
	Href               string `json:"href,omitempty"`
	VersionFingerprint string `json:"version_fingerprint,omitempty"`
	VersionID          string `json:"version_id"`
	VersionName        string `json:"version_name,omitempty"`
}

// Build is model:build. Metadata appears only on the build endpoints and
// GetVersion.
type Build struct {
	ID                       string            `json:"id"`
	VersionID                string            `json:"version_id"`
	ComponentType            string            `json:"component_type"`
	PackerRunUUID            string            `json:"packer_run_uuid"`
	Platform                 string            `json:"platform"`
	Labels                   map[string]string `json:"labels"`
	SourceExternalIdentifier string            `json:"source_external_identifier"`
	Status                   string            `json:"status"`
	Artifacts                []Artifact        `json:"artifacts"`
	Metadata                 json.RawMessage   `json:"metadata,omitempty"`
	CreatedAt                Time              `json:"created_at"`
	UpdatedAt                Time              `json:"updated_at"`
}

// Artifact is model:artifact.
type Artifact struct {
	ID                 string `json:"id"`
	ExternalIdentifier string `json:"external_identifier"`
	Region             string `json:"region"`
	CreatedAt          Time   `json:"created_at"`
}

// Channel is model:channel; Version is absent when unassigned.
type Channel struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	BucketName string   `json:"bucket_name"`
	AuthorID   string   `json:"author_id"`
	Managed    bool     `json:"managed"`
	Restricted bool     `json:"restricted"`
	Version    *Version `json:"version,omitempty"`
	CreatedAt  Time     `json:"created_at"`
	UpdatedAt  Time     `json:"updated_at"`
}

// ChannelAssignment is model:channel_assignment; Version is absent for an
// entry that unassigned the channel.
type ChannelAssignment struct {
	AssignedAt Time     `json:"assigned_at"`
	AuthorID   string   `json:"author_id"`
	Version    *Version `json:"version,omitempty"`
}

// BucketAncestry is model:bucket_ancestry.
type BucketAncestry struct {
	Status string         `json:"status"`
	Parent AncestryParent `json:"parent"`
	Child  AncestryChild  `json:"child"`
}

// AncestryParent is model:parent.
type AncestryParent struct {
	BucketName         string          `json:"bucket_name,omitempty"`
	ChannelName        string          `json:"channel_name,omitempty"`
	ChannelVersion     *ChannelVersion `json:"channel_version,omitempty"`
	VersionFingerprint string          `json:"version_fingerprint,omitempty"`
	VersionID          string          `json:"version_id"`
	VersionName        string          `json:"version_name,omitempty"`
}

// ChannelVersion is model:channel_version.
type ChannelVersion struct {
	Fingerprint string `json:"fingerprint"`
	ID          string `json:"id"`
	Name        string `json:"name"`
}

// AncestryChild is model:child.
type AncestryChild struct {
	BucketName         string `json:"bucket_name"`
	VersionFingerprint string `json:"version_fingerprint"`
	VersionID          string `json:"version_id"`
	VersionName        string `json:"version_name"`
}

// Registry is model:registry.
type Registry struct {
	ID        string         `json:"id"`
	Location  Location       `json:"location"`
	Config    RegistryConfig `json:"config"`
	CreatedAt Time           `json:"created_at"`
	UpdatedAt Time           `json:"updated_at"`
}

// RegistryConfig is model:registry_config. The run-task HMAC key is left
// out: only the run-task endpoints hand it out.
type RegistryConfig struct {
	Activated        bool              `json:"activated"`
	FeatureTier      string            `json:"feature_tier"`
	TFCRunTaskConfig *RunTaskConfigRef `json:"tfc_run_task_config,omitempty"`
}

// RunTaskConfigRef is model:registry_t_f_c_run_task_config without its key.
type RunTaskConfigRef struct {
	APIID            string `json:"api_id"`
	OnUntrackedImage string `json:"on_untracked_image"`
}

// Operation is the shared operation model; localhcp's are always DONE.
type Operation struct {
	ID        string         `json:"id"`
	State     string         `json:"state"`
	Error     *Status        `json:"error,omitempty"`
	Link      *Link          `json:"link,omitempty"`
	Location  Location       `json:"location"`
	Response  map[string]any `json:"response"`
	CreatedAt Time           `json:"created_at"`
	UpdatedAt Time           `json:"updated_at"`
}

// Link is the shared location link model.
type Link struct {
	Type        string    `json:"type"`
	ID          string    `json:"id"`
	UUID        string    `json:"uuid,omitempty"`
	Description string    `json:"description,omitempty"`
	Location    *Location `json:"location,omitempty"`
}

// Organization is the resource-manager organization model.
type Organization struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	State     string            `json:"state"`
	Owner     map[string]string `json:"owner"`
	TFCSynced bool              `json:"tfc_synced"`
	CreatedAt Time              `json:"created_at"`
}

// Project is the resource-manager project model. Parent is never null: the
// official provider dereferences it.
type Project struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	State       string     `json:"state"`
	Parent      ResourceID `json:"parent"`
	CreatedAt   Time       `json:"created_at"`
}

// ResourceID is the resource-manager resource id model.
type ResourceID struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// SBOM is model:sbom.
type SBOM struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Format string `json:"format"`
}
