package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// Tx is one transaction. It implements registry.Tx and adds the
// server's own tables (meta, projects, principals, tokens).
type Tx struct {
	tx    *sql.Tx
	stmts *stmtCache
}

var _ registry.Tx = (*Tx)(nil)

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromMSPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// notFound maps sql.ErrNoRows to registry.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return registry.ErrNotFound
	}
	return err
}

func (t *Tx) exec(query string, args ...any) error {
	_, err := t.execResult(query, args...)
	return err
}

// execOne runs a statement that must change exactly one row.
func (t *Tx) execOne(query string, args ...any) error {
	res, err := t.execResult(query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("expected to change one row, changed %d: %w", n, registry.ErrNotFound)
	}
	return nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func collect[T any](rows *sql.Rows, err error, scan func(scanner) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// ---- registries

const registryCols = `project_id, id, activated, tier, hmac_key, created_at, updated_at`

func (t *Tx) Registry(projectID string) (*registry.Registry, error) {
	var r registry.Registry
	var activated int
	var created, updated int64
	err := t.queryRow(`SELECT `+registryCols+` FROM registries WHERE project_id = ?`, projectID).
		Scan(&r.ProjectID, &r.ID, &activated, &r.Tier, &r.HMACKey, &created, &updated)
	if err != nil {
		return nil, notFound(err)
	}
	r.Activated, r.CreatedAt, r.UpdatedAt = activated == 1, fromMS(created), fromMS(updated)
	return &r, nil
}

func (t *Tx) PutRegistry(r *registry.Registry) error {
	return t.exec(`INSERT INTO registries (`+registryCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET id = excluded.id, activated = excluded.activated,
		tier = excluded.tier, hmac_key = excluded.hmac_key, updated_at = excluded.updated_at`,
		r.ProjectID, r.ID, boolInt(r.Activated), r.Tier, r.HMACKey, ms(r.CreatedAt), ms(r.UpdatedAt))
}

func (t *Tx) DeleteRegistry(projectID string) error {
	return t.execOne(`DELETE FROM registries WHERE project_id = ?`, projectID)
}

// ---- buckets

const bucketCols = `id, project_id, name, description, labels, last_version_number, created_at, updated_at`

func scanBucket(s scanner) (*registry.Bucket, error) {
	var b registry.Bucket
	var labels string
	var created, updated int64
	if err := s.Scan(&b.ID, &b.ProjectID, &b.Name, &b.Description, &labels, &b.LastVersionNumber, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(labels), &b.Labels); err != nil {
		return nil, fmt.Errorf("bucket %s has corrupt labels: %w", b.ID, err)
	}
	b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
	return &b, nil
}

func (t *Tx) BucketByName(projectID, name string) (*registry.Bucket, error) {
	return scanBucket(t.queryRow(`SELECT `+bucketCols+` FROM buckets WHERE project_id = ? AND name = ?`, projectID, name))
}

func (t *Tx) BucketByID(id string) (*registry.Bucket, error) {
	return scanBucket(t.queryRow(`SELECT `+bucketCols+` FROM buckets WHERE id = ?`, id))
}

func (t *Tx) Buckets(projectID string) ([]registry.Bucket, error) {
	rows, err := t.query(`SELECT `+bucketCols+` FROM buckets WHERE project_id = ?`, projectID)
	return collect(rows, err, scanBucket)
}

func (t *Tx) InsertBucket(b *registry.Bucket) error {
	labels, err := encodeJSON(nonNilMap(b.Labels))
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO buckets (`+bucketCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.ProjectID, b.Name, b.Description, labels, b.LastVersionNumber, ms(b.CreatedAt), ms(b.UpdatedAt))
}

func (t *Tx) UpdateBucket(b *registry.Bucket) error {
	labels, err := encodeJSON(nonNilMap(b.Labels))
	if err != nil {
		return err
	}
	return t.execOne(`UPDATE buckets SET description = ?, labels = ?, last_version_number = ?, updated_at = ? WHERE id = ?`,
		b.Description, labels, b.LastVersionNumber, ms(b.UpdatedAt), b.ID)
}

func (t *Tx) DeleteBucket(id string) error {
	// Foreign keys cascade to versions, builds, channels, history and SBOMs.
	return t.execOne(`DELETE FROM buckets WHERE id = ?`, id)
}

// ---- versions

const versionCols = `id, bucket_id, fingerprint, author_id, template_type, number, revoke_at, revocation_message,
	revocation_author, revocation_type, revocation_inherited_from, rollback_disabled, revocation_applied, created_at, updated_at, own_revocation, restored_at`

// storedOwnRevocation is a version's own revocation as JSON in the versions
// table.
type storedOwnRevocation struct {
	At               int64  `json:"at"`
	Message          string `json:"message"`
	Author           string `json:"author"`
	RollbackDisabled bool   `json:"rollback_disabled"`
	Descendants      bool   `json:"descendants"`
	RequestedAt      int64  `json:"requested_at"`
}

func encodeOwnRevocation(r *registry.OwnRevocation) (any, error) {
	if r == nil {
		return nil, nil
	}
	return encodeJSON(storedOwnRevocation{
		At: ms(r.At), Message: r.Message, Author: r.Author, RollbackDisabled: r.RollbackDisabled,
		Descendants: r.Descendants, RequestedAt: ms(r.RequestedAt),
	})
}

func decodeOwnRevocation(versionID string, raw sql.NullString) (*registry.OwnRevocation, error) {
	if !raw.Valid {
		return nil, nil
	}
	var r storedOwnRevocation
	if err := json.Unmarshal([]byte(raw.String), &r); err != nil {
		return nil, fmt.Errorf("version %s has a corrupt own revocation: %w", versionID, err)
	}
	return &registry.OwnRevocation{
		At: fromMS(r.At), Message: r.Message, Author: r.Author, RollbackDisabled: r.RollbackDisabled,
		Descendants: r.Descendants, RequestedAt: fromMS(r.RequestedAt),
	}, nil
}

func restoredAtMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

func fromRestoredAtMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

func scanVersion(s scanner) (*registry.Version, error) {
	var v registry.Version
	var revokeAt sql.NullInt64
	var rollbackDisabled, applied int
	var created, updated, restored int64
	var own sql.NullString
	if err := s.Scan(&v.ID, &v.BucketID, &v.Fingerprint, &v.AuthorID, &v.TemplateType, &v.Number, &revokeAt,
		&v.RevocationMessage, &v.RevocationAuthor, &v.RevocationType, &v.RevocationInheritedFrom,
		&rollbackDisabled, &applied, &created, &updated, &own, &restored); err != nil {
		return nil, notFound(err)
	}
	var err error
	if v.Own, err = decodeOwnRevocation(v.ID, own); err != nil {
		return nil, err
	}
	v.RestoredAt = fromRestoredAtMS(restored)
	v.RevokeAt = fromMSPtr(revokeAt)
	v.RollbackDisabled, v.RevocationApplied = rollbackDisabled == 1, applied == 1
	v.CreatedAt, v.UpdatedAt = fromMS(created), fromMS(updated)
	return &v, nil
}

func (t *Tx) VersionByFingerprint(bucketID, fingerprint string) (*registry.Version, error) {
	return scanVersion(t.queryRow(`SELECT `+versionCols+` FROM versions WHERE bucket_id = ? AND fingerprint = ?`, bucketID, fingerprint))
}

func (t *Tx) VersionByID(id string) (*registry.Version, error) {
	return scanVersion(t.queryRow(`SELECT `+versionCols+` FROM versions WHERE id = ?`, id))
}

func (t *Tx) Versions(bucketID string) ([]registry.Version, error) {
	rows, err := t.query(`SELECT `+versionCols+` FROM versions WHERE bucket_id = ?`, bucketID)
	return collect(rows, err, scanVersion)
}

func (t *Tx) NewestValidVersion(bucketID string, now time.Time) (*registry.Version, error) {
	return scanVersion(t.queryRow(`SELECT `+versionCols+` FROM versions
		WHERE bucket_id = ? AND number > 0 AND (revoke_at IS NULL OR revoke_at > ?) ORDER BY number DESC LIMIT 1`, bucketID, ms(now)))
}

func (t *Tx) VersionCount(bucketID string) (int64, error) {
	var n int64
	err := t.queryRow(`SELECT COUNT(*) FROM versions WHERE bucket_id = ?`, bucketID).Scan(&n)
	return n, err
}

func (t *Tx) InsertVersion(v *registry.Version) error {
	own, err := encodeOwnRevocation(v.Own)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO versions (`+versionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.BucketID, v.Fingerprint, v.AuthorID, v.TemplateType, v.Number, msPtr(v.RevokeAt),
		v.RevocationMessage, v.RevocationAuthor, v.RevocationType, v.RevocationInheritedFrom,
		boolInt(v.RollbackDisabled), boolInt(v.RevocationApplied), ms(v.CreatedAt), ms(v.UpdatedAt),
		own, restoredAtMS(v.RestoredAt))
}

func (t *Tx) UpdateVersion(v *registry.Version) error {
	own, err := encodeOwnRevocation(v.Own)
	if err != nil {
		return err
	}
	return t.execOne(`UPDATE versions SET template_type = ?, number = ?, revoke_at = ?, revocation_message = ?,
		revocation_author = ?, revocation_type = ?, revocation_inherited_from = ?, rollback_disabled = ?,
		revocation_applied = ?, updated_at = ?, own_revocation = ?, restored_at = ? WHERE id = ?`,
		v.TemplateType, v.Number, msPtr(v.RevokeAt), v.RevocationMessage, v.RevocationAuthor, v.RevocationType,
		v.RevocationInheritedFrom, boolInt(v.RollbackDisabled), boolInt(v.RevocationApplied), ms(v.UpdatedAt),
		own, restoredAtMS(v.RestoredAt), v.ID)
}

func (t *Tx) DeleteVersion(id string) error {
	if err := t.exec(`DELETE FROM channel_history WHERE version_id = ?`, id); err != nil {
		return err
	}
	return t.execOne(`DELETE FROM versions WHERE id = ?`, id)
}

func (t *Tx) DueRevocations(now time.Time) ([]registry.Version, error) {
	rows, err := t.query(`SELECT `+versionCols+` FROM versions
		WHERE revocation_applied = 0 AND revoke_at IS NOT NULL AND revoke_at <= ? ORDER BY revoke_at, id`, ms(now))
	return collect(rows, err, scanVersion)
}

func (t *Tx) HasDueRevocations(now time.Time) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM versions
		WHERE revocation_applied = 0 AND revoke_at IS NOT NULL AND revoke_at <= ? LIMIT 1)`, ms(now)).Scan(&n)
	return n > 0, err
}

// ---- builds

const buildCols = `id, version_id, component_type, packer_run_uuid, platform, source_external_identifier, status,
	labels, metadata, parent_version_id, parent_channel_id, artifacts, created_at, updated_at`

// storedArtifact is an artifact's JSON form inside the builds table.
type storedArtifact struct {
	ID                 string `json:"id"`
	ExternalIdentifier string `json:"external_identifier"`
	Region             string `json:"region"`
	CreatedAt          int64  `json:"created_at"`
}

func scanBuild(s scanner) (*registry.Build, error) {
	var b registry.Build
	var labels, artifacts string
	var metadata sql.NullString
	var created, updated int64
	if err := s.Scan(&b.ID, &b.VersionID, &b.ComponentType, &b.PackerRunUUID, &b.Platform, &b.SourceExternalIdentifier,
		&b.Status, &labels, &metadata, &b.ParentVersionID, &b.ParentChannelID, &artifacts, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(labels), &b.Labels); err != nil {
		return nil, fmt.Errorf("build %s has corrupt labels: %w", b.ID, err)
	}
	var stored []storedArtifact
	if err := json.Unmarshal([]byte(artifacts), &stored); err != nil {
		return nil, fmt.Errorf("build %s has corrupt artifacts: %w", b.ID, err)
	}
	b.Artifacts = make([]registry.Artifact, len(stored))
	for i, a := range stored {
		b.Artifacts[i] = registry.Artifact{ID: a.ID, ExternalIdentifier: a.ExternalIdentifier, Region: a.Region, CreatedAt: fromMS(a.CreatedAt)}
	}
	if metadata.Valid {
		b.Metadata = json.RawMessage(metadata.String)
	}
	b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
	return &b, nil
}

func buildArgs(b *registry.Build) (labels, artifacts string, metadata any, err error) {
	if labels, err = encodeJSON(nonNilMap(b.Labels)); err != nil {
		return
	}
	stored := make([]storedArtifact, len(b.Artifacts))
	for i, a := range b.Artifacts {
		stored[i] = storedArtifact{ID: a.ID, ExternalIdentifier: a.ExternalIdentifier, Region: a.Region, CreatedAt: ms(a.CreatedAt)}
	}
	if artifacts, err = encodeJSON(stored); err != nil {
		return
	}
	if b.Metadata != nil {
		metadata = string(b.Metadata)
	}
	return
}

func (t *Tx) Builds(versionID string) ([]registry.Build, error) {
	rows, err := t.query(`SELECT `+buildCols+` FROM builds WHERE version_id = ?`, versionID)
	return collect(rows, err, scanBuild)
}

func (t *Tx) BuildByID(versionID, id string) (*registry.Build, error) {
	return scanBuild(t.queryRow(`SELECT `+buildCols+` FROM builds WHERE version_id = ? AND id = ?`, versionID, id))
}

func (t *Tx) Build(id string) (*registry.Build, error) {
	return scanBuild(t.queryRow(`SELECT `+buildCols+` FROM builds WHERE id = ?`, id))
}

func (t *Tx) InsertBuild(b *registry.Build) error {
	labels, artifacts, metadata, err := buildArgs(b)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO builds (`+buildCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.VersionID, b.ComponentType, b.PackerRunUUID, b.Platform, b.SourceExternalIdentifier, b.Status,
		labels, metadata, b.ParentVersionID, b.ParentChannelID, artifacts, ms(b.CreatedAt), ms(b.UpdatedAt))
}

func (t *Tx) UpdateBuild(b *registry.Build) error {
	labels, artifacts, metadata, err := buildArgs(b)
	if err != nil {
		return err
	}
	return t.execOne(`UPDATE builds SET packer_run_uuid = ?, platform = ?, source_external_identifier = ?, status = ?,
		labels = ?, metadata = ?, parent_version_id = ?, parent_channel_id = ?, artifacts = ?, updated_at = ? WHERE id = ?`,
		b.PackerRunUUID, b.Platform, b.SourceExternalIdentifier, b.Status, labels, metadata,
		b.ParentVersionID, b.ParentChannelID, artifacts, ms(b.UpdatedAt), b.ID)
}

func (t *Tx) DeleteBuild(id string) error {
	return t.execOne(`DELETE FROM builds WHERE id = ?`, id)
}

func (t *Tx) BuildsWithParent(parentVersionID string) ([]registry.Build, error) {
	rows, err := t.query(`SELECT `+buildCols+` FROM builds WHERE parent_version_id = ?`, parentVersionID)
	return collect(rows, err, scanBuild)
}

func (t *Tx) HasBuildsWithParent(parentVersionID string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM builds WHERE parent_version_id = ? LIMIT 1)`, parentVersionID).Scan(&n)
	return n > 0, err
}

func (t *Tx) BuildByComponentType(versionID, componentType string) (*registry.Build, error) {
	return scanBuild(t.queryRow(`SELECT `+buildCols+` FROM builds WHERE version_id = ? AND component_type = ?`, versionID, componentType))
}

func (t *Tx) BuildsWithParentIn(bucketID string) ([]registry.Build, error) {
	rows, err := t.query(`SELECT `+prefixed("b.", buildCols)+` FROM builds b
		JOIN versions p ON p.id = b.parent_version_id WHERE p.bucket_id = ?`, bucketID)
	return collect(rows, err, scanBuild)
}

// ---- channels

const channelCols = `id, bucket_id, name, author_id, managed, restricted, version_id, created_at, updated_at`

func scanChannel(s scanner) (*registry.Channel, error) {
	var c registry.Channel
	var managed, restricted int
	var created, updated int64
	if err := s.Scan(&c.ID, &c.BucketID, &c.Name, &c.AuthorID, &managed, &restricted, &c.VersionID, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	c.Managed, c.Restricted = managed == 1, restricted == 1
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

func (t *Tx) ChannelByName(bucketID, name string) (*registry.Channel, error) {
	return scanChannel(t.queryRow(`SELECT `+channelCols+` FROM channels WHERE bucket_id = ? AND name = ?`, bucketID, name))
}

func (t *Tx) ChannelByID(id string) (*registry.Channel, error) {
	return scanChannel(t.queryRow(`SELECT `+channelCols+` FROM channels WHERE id = ?`, id))
}

func (t *Tx) Channels(bucketID string) ([]registry.Channel, error) {
	rows, err := t.query(`SELECT `+channelCols+` FROM channels WHERE bucket_id = ?`, bucketID)
	return collect(rows, err, scanChannel)
}

func (t *Tx) ChannelsOnVersion(versionID string) ([]registry.Channel, error) {
	rows, err := t.query(`SELECT `+channelCols+` FROM channels WHERE version_id = ? ORDER BY name`, versionID)
	return collect(rows, err, scanChannel)
}

func (t *Tx) InsertChannel(c *registry.Channel) error {
	return t.exec(`INSERT INTO channels (`+channelCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.BucketID, c.Name, c.AuthorID, boolInt(c.Managed), boolInt(c.Restricted), c.VersionID,
		ms(c.CreatedAt), ms(c.UpdatedAt))
}

func (t *Tx) UpdateChannel(c *registry.Channel) error {
	return t.execOne(`UPDATE channels SET author_id = ?, restricted = ?, version_id = ?, updated_at = ? WHERE id = ?`,
		c.AuthorID, boolInt(c.Restricted), c.VersionID, ms(c.UpdatedAt), c.ID)
}

func (t *Tx) DeleteChannel(id string) error {
	return t.execOne(`DELETE FROM channels WHERE id = ?`, id)
}

func (t *Tx) AppendAssignment(a *registry.Assignment) error {
	return t.exec(`INSERT INTO channel_history (channel_id, version_id, author_id, assigned_at) VALUES (?, ?, ?, ?)`,
		a.ChannelID, a.VersionID, a.AuthorID, ms(a.AssignedAt))
}

func (t *Tx) Assignments(channelID string) ([]registry.Assignment, error) {
	rows, err := t.query(`SELECT channel_id, version_id, author_id, assigned_at FROM channel_history
		WHERE channel_id = ? ORDER BY seq DESC`, channelID)
	return collect(rows, err, func(s scanner) (*registry.Assignment, error) {
		var a registry.Assignment
		var at int64
		if err := s.Scan(&a.ChannelID, &a.VersionID, &a.AuthorID, &at); err != nil {
			return nil, err
		}
		a.AssignedAt = fromMS(at)
		return &a, nil
	})
}

// ---- operations and SBOMs

const operationCols = `id, organization_id, project_id, link_type, link_id, description, created_at`

func scanOperation(s scanner) (*registry.Operation, error) {
	var op registry.Operation
	var created int64
	if err := s.Scan(&op.ID, &op.OrganizationID, &op.ProjectID, &op.LinkType, &op.LinkID, &op.Description, &created); err != nil {
		return nil, notFound(err)
	}
	op.CreatedAt = fromMS(created)
	return &op, nil
}

func (t *Tx) InsertOperation(op *registry.Operation) error {
	return t.exec(`INSERT INTO operations (`+operationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		op.ID, op.OrganizationID, op.ProjectID, op.LinkType, op.LinkID, op.Description, ms(op.CreatedAt))
}

func (t *Tx) Operation(id string) (*registry.Operation, error) {
	return scanOperation(t.queryRow(`SELECT `+operationCols+` FROM operations WHERE id = ?`, id))
}

func (t *Tx) Operations(projectID string) ([]registry.Operation, error) {
	rows, err := t.query(`SELECT `+operationCols+` FROM operations WHERE project_id = ?`, projectID)
	return collect(rows, err, scanOperation)
}

// PutSBOM stores s; one of the same name for the build is replaced, id
// included, so the id an upload answers is the one later reads return.
func (t *Tx) PutSBOM(s *registry.SBOM) error {
	return t.exec(`INSERT INTO sboms (`+sbomCols+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (build_id, name) DO UPDATE SET id = excluded.id, format = excluded.format,
		content = excluded.content, created_at = excluded.created_at`,
		s.ID, s.BuildID, s.Name, s.Format, s.Content, ms(s.CreatedAt))
}

const sbomCols = `id, build_id, name, format, content, created_at`

func scanSBOM(s scanner) (*registry.SBOM, error) {
	var sb registry.SBOM
	var created int64
	if err := s.Scan(&sb.ID, &sb.BuildID, &sb.Name, &sb.Format, &sb.Content, &created); err != nil {
		return nil, notFound(err)
	}
	sb.CreatedAt = fromMS(created)
	return &sb, nil
}

func (t *Tx) SBOMs(buildID string) ([]registry.SBOM, error) {
	rows, err := t.query(`SELECT `+sbomCols+` FROM sboms WHERE build_id = ?`, buildID)
	return collect(rows, err, scanSBOM)
}

func (t *Tx) SBOMByName(buildID, name string) (*registry.SBOM, error) {
	return scanSBOM(t.queryRow(`SELECT `+sbomCols+` FROM sboms WHERE build_id = ? AND name = ?`, buildID, name))
}

func (t *Tx) SBOMByID(id string) (*registry.SBOM, error) {
	return scanSBOM(t.queryRow(`SELECT `+sbomCols+` FROM sboms WHERE id = ?`, id))
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
