package httpapi

import (
	"net/url"
	"strings"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// Converters from registry views to 2021-04-30 shapes.

func renderIteration(loc registry.Loc, v *registry.VersionView) wire.Iteration {
	out := wire.Iteration{
		ID: v.ID, BucketSlug: v.BucketName, Fingerprint: v.Fingerprint, AuthorID: v.AuthorID,
		Complete: v.Complete(), IncrementalVersion: v.Number, TemplateType: v.TemplateType,
		Builds: make([]wire.LegacyBuild, 0, len(v.Builds)), HasDescendants: v.HasDescendants,
		CreatedAt: wire.NewTime(v.CreatedAt), UpdatedAt: wire.NewTime(v.UpdatedAt),
	}
	for _, b := range v.Builds {
		out.Builds = append(out.Builds, renderLegacyBuild(b))
	}
	if v.RevokeAt != nil {
		out.RevokeAt = wire.TimePtr(v.RevokeAt)
		out.RevocationMessage = v.RevocationMessage
		out.RevocationAuthor = v.RevocationAuthor
		out.RevocationType = v.RevocationType
	}
	if a := v.InheritedFrom; a != nil {
		out.RevocationInheritedFrom = &wire.LegacyRevokedAncestor{
			BucketSlug: a.BucketName, IterationFingerprint: a.Fingerprint, IterationID: a.VersionID,
			IterationIncrementalVersion: a.VersionNumber,
		}
		if a.BucketName != "" {
			out.RevocationInheritedFrom.Href = iterationHref(loc, a.BucketName, a.VersionID)
		}
	}
	return out
}

// iterationHref is the 2021-04-30 GetIteration path of a version.
func iterationHref(loc registry.Loc, bucket, id string) string {
	return "/packer/2021-04-30/organizations/" + loc.OrganizationID + "/projects/" + loc.ProjectID +
		"/images/" + url.PathEscape(bucket) + "/iteration?iteration_id=" + url.QueryEscape(id)
}

func renderLegacyBuild(b registry.Build) wire.LegacyBuild {
	out := wire.LegacyBuild{
		ID: b.ID, IterationID: b.VersionID, ComponentType: b.ComponentType, PackerRunUUID: b.PackerRunUUID,
		CloudProvider: b.Platform, Labels: labels(b.Labels), SourceImageID: b.SourceExternalIdentifier,
		Status: strings.TrimPrefix(b.Status, "BUILD_"), Images: make([]wire.Image, 0, len(b.Artifacts)),
		CreatedAt: wire.NewTime(b.CreatedAt), UpdatedAt: wire.NewTime(b.UpdatedAt),
	}
	for _, a := range b.Artifacts {
		out.Images = append(out.Images, wire.Image{
			ID: a.ID, ImageID: a.ExternalIdentifier, Region: a.Region, CreatedAt: wire.NewTime(a.CreatedAt),
		})
	}
	return out
}

func renderLegacyChannel(loc registry.Loc, c *registry.ChannelView) wire.LegacyChannel {
	out := wire.LegacyChannel{
		ID: c.ID, Slug: c.Name, BucketSlug: c.BucketName, AuthorID: c.AuthorID,
		Managed: c.Managed, Restricted: c.Restricted,
		CreatedAt: wire.NewTime(c.CreatedAt), UpdatedAt: wire.NewTime(c.UpdatedAt),
	}
	if c.Version != nil {
		it := renderIteration(loc, c.Version)
		out.Iteration = &it
	}
	return out
}
