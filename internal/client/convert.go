package client

import (
	"strconv"
	"time"

	"github.com/go-openapi/strfmt"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
)

// The SDK decodes an absent date-time as the zero time but "" as the Unix
// epoch (go-openapi/strfmt), so both mean "unset" (internal/localhcp/CONTRACT.md §3.3, S2).
var unixEpoch = time.Unix(0, 0).UTC()

// timeOf converts an SDK date-time to UTC, keeping its precision; unset
// values become the zero time.
func timeOf(dt strfmt.DateTime) time.Time {
	t := time.Time(dt)
	if t.IsZero() || t.Equal(unixEpoch) {
		return time.Time{}
	}
	return t.UTC()
}

// optionalTimeOf is timeOf for fields where unset must read as nil.
func optionalTimeOf(dt strfmt.DateTime) *time.Time {
	t := timeOf(dt)
	if t.IsZero() {
		return nil
	}
	return &t
}

func bucketFromModel(m *models.HashicorpCloudPacker20230101Bucket, loc Location) *Bucket {
	if m == nil {
		return nil
	}
	b := &Bucket{
		ID:             m.ID,
		Name:           m.Name,
		Description:    m.Description,
		Labels:         copyLabels(m.Labels),
		OrganizationID: loc.OrganizationID,
		ProjectID:      loc.ProjectID,
		Platforms:      append([]string(nil), m.Platforms...),
		VersionCount:   parseCount(m.VersionCount),
		LatestVersion:  versionFromModel(m.LatestVersion),
		CreatedAt:      timeOf(m.CreatedAt),
		UpdatedAt:      timeOf(m.UpdatedAt),
	}
	if m.Location != nil {
		b.OrganizationID = firstNonEmpty(m.Location.OrganizationID, b.OrganizationID)
		b.ProjectID = firstNonEmpty(m.Location.ProjectID, b.ProjectID)
	}
	return b
}

// parseCount reads a proto int64 the API sends as a JSON string.
func parseCount(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// versionFromModel converts a version; an absent or empty one (a channel
// answered with "version":{}) is nil.
func versionFromModel(m *models.HashicorpCloudPacker20230101Version) *Version {
	if m == nil || (m.ID == "" && m.Fingerprint == "") {
		return nil
	}
	v := &Version{
		ID:                m.ID,
		BucketName:        m.BucketName,
		Fingerprint:       m.Fingerprint,
		Name:              m.Name,
		AuthorID:          m.AuthorID,
		Status:            VersionStatusUnset,
		HasDescendants:    m.HasDescendants,
		RevokeAt:          optionalTimeOf(m.RevokeAt),
		RevocationMessage: m.RevocationMessage,
		RevocationAuthor:  m.RevocationAuthor,
		CreatedAt:         timeOf(m.CreatedAt),
		UpdatedAt:         timeOf(m.UpdatedAt),
	}
	if m.Status != nil && *m.Status != "" {
		v.Status = string(*m.Status)
	}
	if m.TemplateType != nil && *m.TemplateType != models.HashicorpCloudPacker20230101TemplateTypeTEMPLATETYPEUNSET {
		v.TemplateType = string(*m.TemplateType)
	}
	if m.RevocationType != nil && *m.RevocationType != models.HashicorpCloudPacker20230101RevocationTypeREVOCATIONTYPEUNSET {
		v.RevocationType = string(*m.RevocationType)
	}
	if a := m.RevocationInheritedFrom; a != nil && (a.VersionID != "" || a.VersionFingerprint != "") {
		v.RevocationInheritedFrom = &RevokedAncestor{
			BucketName:         a.BucketName,
			VersionFingerprint: a.VersionFingerprint,
			VersionID:          a.VersionID,
			VersionName:        a.VersionName,
		}
	}
	for _, b := range m.Builds {
		if b != nil {
			v.Builds = append(v.Builds, buildFromModel(b))
		}
	}
	return v
}

func buildFromModel(m *models.HashicorpCloudPacker20230101Build) Build {
	b := Build{
		ID:                       m.ID,
		VersionID:                m.VersionID,
		ComponentType:            m.ComponentType,
		PackerRunUUID:            m.PackerRunUUID,
		Platform:                 m.Platform,
		SourceExternalIdentifier: m.SourceExternalIdentifier,
		Status:                   BuildStatusUnset,
		Labels:                   copyLabels(m.Labels),
		CreatedAt:                timeOf(m.CreatedAt),
		UpdatedAt:                timeOf(m.UpdatedAt),
	}
	if m.Status != nil && *m.Status != "" {
		b.Status = string(*m.Status)
	}
	for _, a := range m.Artifacts {
		if a != nil {
			b.Artifacts = append(b.Artifacts, Artifact{
				ID:                 a.ID,
				ExternalIdentifier: a.ExternalIdentifier,
				Region:             a.Region,
				CreatedAt:          timeOf(a.CreatedAt),
			})
		}
	}
	return b
}

func channelFromModel(m *models.HashicorpCloudPacker20230101Channel) *Channel {
	if m == nil {
		return nil
	}
	return &Channel{
		ID:         m.ID,
		Name:       m.Name,
		BucketName: m.BucketName,
		AuthorID:   m.AuthorID,
		Managed:    m.Managed,
		Restricted: m.Restricted,
		Version:    versionFromModel(m.Version),
		CreatedAt:  timeOf(m.CreatedAt),
		UpdatedAt:  timeOf(m.UpdatedAt),
	}
}

func assignmentFromModel(m *models.HashicorpCloudPacker20230101ChannelAssignment) ChannelAssignment {
	return ChannelAssignment{
		AssignedAt: timeOf(m.AssignedAt),
		AuthorID:   m.AuthorID,
		Version:    versionFromModel(m.Version),
	}
}

// copyLabels returns a copy of labels, nil when empty, so callers never
// share a map with the SDK's model.
func copyLabels(labels map[string]string) map[string]string {
	if len(labels) == 0 {
		return nil
	}
	out := make(map[string]string, len(labels))
	for k, v := range labels {
		out[k] = v
	}
	return out
}
