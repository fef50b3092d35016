package wire

// Shapes of the Packer 2021-04-30 API, which names versions "iterations",
// artifacts "images" and a build's platform its "cloud_provider"
// (CONTRACT.md §6.9). The same S-rules apply as to 2023-01-01 answers.

// Iteration is 2021-04-30's model:iteration, a version under its old name.
// IncrementalVersion, the N of vN, is absent while the version is
// incomplete.
type Iteration struct {
	ID                      string                 `json:"id"`
	BucketSlug              string                 `json:"bucket_slug"`
	Fingerprint             string                 `json:"fingerprint"`
	AuthorID                string                 `json:"author_id"`
	Complete                bool                   `json:"complete"`
	IncrementalVersion      int64                  `json:"incremental_version,omitempty"`
	TemplateType            string                 `json:"template_type"`
	Builds                  []LegacyBuild          `json:"builds"`
	HasDescendants          bool                   `json:"has_descendants"`
	RevokeAt                *Time                  `json:"revoke_at,omitempty"`
	RevocationMessage       string                 `json:"revocation_message,omitempty"`
	RevocationAuthor        string                 `json:"revocation_author,omitempty"`
	RevocationType          string                 `json:"revocation_type,omitempty"`
	RevocationInheritedFrom *LegacyRevokedAncestor `json:"revocation_inherited_from,omitempty"`
	CreatedAt               Time                   `json:"created_at"`
	UpdatedAt               Time                   `json:"updated_at"`
}

// LegacyRevokedAncestor is 2021-04-30's model:revoked_ancestor.
type LegacyRevokedAncestor struct {
	BucketSlug                  string `json:"bucket_slug,omitempty"`
	Href                        string `json:"href,omitempty"`
	IterationFingerprint        string `json:"iteration_fingerprint,omitempty"`
	IterationID                 string `json:"iteration_id"`
	IterationIncrementalVersion int64  `json:"iteration_incremental_version,omitempty"`
}

// LegacyBuild is 2021-04-30's model:build. Status drops the BUILD_ prefix
// of 2023-01-01 (RUNNING, DONE, …).
type LegacyBuild struct {
	ID            string            `json:"id"`
	IterationID   string            `json:"iteration_id"`
	ComponentType string            `json:"component_type"`
	PackerRunUUID string            `json:"packer_run_uuid"`
	CloudProvider string            `json:"cloud_provider"`
	Labels        map[string]string `json:"labels"`
	SourceImageID string            `json:"source_image_id"`
	Status        string            `json:"status"`
	Images        []Image           `json:"images"`
	CreatedAt     Time              `json:"created_at"`
	UpdatedAt     Time              `json:"updated_at"`
}

// Image is 2021-04-30's model:image, an artifact under its old name.
type Image struct {
	ID        string `json:"id"`
	ImageID   string `json:"image_id"`
	Region    string `json:"region"`
	CreatedAt Time   `json:"created_at"`
}

// LegacyChannel is 2021-04-30's model:channel; Iteration is absent when
// the channel is unassigned.
type LegacyChannel struct {
	ID         string     `json:"id"`
	Slug       string     `json:"slug"`
	BucketSlug string     `json:"bucket_slug"`
	AuthorID   string     `json:"author_id"`
	Managed    bool       `json:"managed"`
	Restricted bool       `json:"restricted"`
	Iteration  *Iteration `json:"iteration,omitempty"`
	CreatedAt  Time       `json:"created_at"`
	UpdatedAt  Time       `json:"updated_at"`
}

// LegacyUpdateChannelBody is 2021-04-30's UpdateChannel body.
type LegacyUpdateChannelBody struct {
	IterationID        string `json:"iteration_id"`
	Fingerprint        string `json:"fingerprint"`
	IncrementalVersion int64  `json:"incremental_version"`
	Mask               string `json:"mask"`
	Restriction        string `json:"restriction"`
}
