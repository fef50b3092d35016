package wire

import "encoding/json"

// Request bodies. Fields the SDK leaves out when false, "" or empty decode
// to their zero values; update masks, not presence, decide what changes.

// CreateBucketBody is model:create_bucket_body.
type CreateBucketBody struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Labels      map[string]string `json:"labels"`
}

// UpdateBucketBody is model:update_bucket_body; platforms are ignored.
type UpdateBucketBody struct {
	Description string            `json:"description"`
	Labels      map[string]string `json:"labels"`
	Platforms   []string          `json:"platforms"`
}

// CreateVersionBody is model:create_version_body.
type CreateVersionBody struct {
	Fingerprint  string `json:"fingerprint"`
	TemplateType string `json:"template_type"`
}

// UpdateVersionBody is model:update_version_body. RevokeAt stays a string so
// a malformed date is reported with its field name.
type UpdateVersionBody struct {
	Complete                  bool    `json:"complete"`
	RevokeAt                  *string `json:"revoke_at"`
	RevokeIn                  string  `json:"revoke_in"`
	RevocationMessage         string  `json:"revocation_message"`
	SkipDescendantsRevocation bool    `json:"skip_descendants_revocation"`
	DisableRollbackChannels   bool    `json:"disable_rollback_channels"`
	Restore                   bool    `json:"restore"`
}

// ArtifactBody is model:artifact_create_body.
type ArtifactBody struct {
	ExternalIdentifier string `json:"external_identifier"`
	Region             string `json:"region"`
}

// BuildBody is model:create_build_body and model:update_build_body.
type BuildBody struct {
	ComponentType            string            `json:"component_type"`
	PackerRunUUID            string            `json:"packer_run_uuid"`
	Platform                 string            `json:"platform"`
	Labels                   map[string]string `json:"labels"`
	Status                   string            `json:"status"`
	Artifacts                []ArtifactBody    `json:"artifacts"`
	Metadata                 *BuildMetadata    `json:"metadata"`
	SourceExternalIdentifier string            `json:"source_external_identifier"`
	ParentVersionID          string            `json:"parent_version_id"`
	ParentChannelID          string            `json:"parent_channel_id"`
}

// BuildMetadata is model:build_metadata: free-form objects kept as sent.
type BuildMetadata struct {
	Packer json.RawMessage `json:"packer,omitempty"`
	VCS    json.RawMessage `json:"vcs,omitempty"`
	CICD   json.RawMessage `json:"cicd,omitempty"`
}

// CreateChannelBody is model:create_channel_body.
type CreateChannelBody struct {
	Name               string `json:"name"`
	Restricted         bool   `json:"restricted"`
	VersionFingerprint string `json:"version_fingerprint"`
}

// UpdateChannelBody is model:update_channel_body.
type UpdateChannelBody struct {
	VersionFingerprint string `json:"version_fingerprint"`
	Restricted         bool   `json:"restricted"`
	UpdateMask         string `json:"update_mask"`
}

// AssignChannelVersionBody is model:assign_channel_version_body.
type AssignChannelVersionBody struct {
	SourceChannel string `json:"source_channel"`
	TargetChannel string `json:"target_channel"`
}

// CreateRegistryBody is model:create_registry_body.
type CreateRegistryBody struct {
	FeatureTier string `json:"feature_tier"`
}

// UpdateRegistryBody is model:update_registry_body.
type UpdateRegistryBody struct {
	FeatureTier string `json:"feature_tier"`
	Activated   bool   `json:"activated"`
	UpdateMask  string `json:"update_mask"`
}

// UploadSbomBody is model:upload_sbom_body; the SBOM is base64 in JSON.
type UploadSbomBody struct {
	CompressedSbom []byte `json:"compressed_sbom"`
	Format         string `json:"format"`
	Name           string `json:"name"`
}
