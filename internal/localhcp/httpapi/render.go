package httpapi

import (
	"strconv"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// Converters from registry views to wire shapes.

func location(loc registry.Loc) wire.Location {
	return wire.Location{OrganizationID: loc.OrganizationID, ProjectID: loc.ProjectID}
}

func renderBucket(b *registry.BucketView) wire.Bucket {
	out := wire.Bucket{
		ID: b.ID, Name: b.Name, Description: b.Description, Labels: labels(b.Labels),
		Location: location(b.Loc), ResourceName: b.ResourceName(), Platforms: b.Platforms,
		VersionCount: strconv.FormatInt(b.VersionCount, 10),
		Parents:      wire.AncestryLink{Href: b.Parents.Href, Status: b.Parents.Status},
		Children:     wire.AncestryLink{Href: b.Children.Href, Status: b.Children.Status},
		CreatedAt:    wire.NewTime(b.CreatedAt), UpdatedAt: wire.NewTime(b.UpdatedAt),
	}
	if out.Platforms == nil {
		out.Platforms = []string{}
	}
	if b.LatestVersion != nil {
		v := renderVersion(b.LatestVersion, false)
		out.LatestVersion = &v
	}
	return out
}

// renderVersion converts a version; withMetadata is set only for GetVersion
// and the build endpoints, the only answers that carry build metadata.
func renderVersion(v *registry.VersionView, withMetadata bool) wire.Version {
	out := wire.Version{
		ID: v.ID, BucketName: v.BucketName, Fingerprint: v.Fingerprint, Name: v.Name(), AuthorID: v.AuthorID,
		Status: v.Status, TemplateType: v.TemplateType, Builds: make([]wire.Build, 0, len(v.Builds)),
		HasDescendants: v.HasDescendants,
		Parents:        wire.AncestryLink{Href: v.Parents.Href, Status: v.Parents.Status},
		CreatedAt:      wire.NewTime(v.CreatedAt), UpdatedAt: wire.NewTime(v.UpdatedAt),
	}
	for _, b := range v.Builds {
		out.Builds = append(out.Builds, renderBuild(b, withMetadata))
	}
	if v.RevokeAt != nil {
		out.RevokeAt = wire.TimePtr(v.RevokeAt)
		out.RevocationMessage = v.RevocationMessage
		out.RevocationAuthor = v.RevocationAuthor
		out.RevocationType = v.RevocationType
	}
	if a := v.InheritedFrom; a != nil {
		out.RevocationInheritedFrom = &wire.RevokedAncestor{
			BucketName: a.BucketName, Href: a.Href, VersionFingerprint: a.Fingerprint,
			VersionID: a.VersionID, VersionName: a.VersionName,
		}
	}
	return out
}

func renderBuild(b registry.Build, withMetadata bool) wire.Build {
	out := wire.Build{
		ID: b.ID, VersionID: b.VersionID, ComponentType: b.ComponentType, PackerRunUUID: b.PackerRunUUID,
		Platform: b.Platform, Labels: labels(b.Labels), SourceExternalIdentifier: b.SourceExternalIdentifier,
		Status: b.Status, Artifacts: make([]wire.Artifact, 0, len(b.Artifacts)),
		CreatedAt: wire.NewTime(b.CreatedAt), UpdatedAt: wire.NewTime(b.UpdatedAt),
	}
	for _, a := range b.Artifacts {
		out.Artifacts = append(out.Artifacts, wire.Artifact{
			ID: a.ID, ExternalIdentifier: a.ExternalIdentifier, Region: a.Region, CreatedAt: wire.NewTime(a.CreatedAt),
		})
	}
	if withMetadata && len(b.Metadata) > 0 {
		out.Metadata = b.Metadata
	}
	return out
}

func renderChannel(c *registry.ChannelView) wire.Channel {
	out := wire.Channel{
		ID: c.ID, Name: c.Name, BucketName: c.BucketName, AuthorID: c.AuthorID,
		Managed: c.Managed, Restricted: c.Restricted,
		CreatedAt: wire.NewTime(c.CreatedAt), UpdatedAt: wire.NewTime(c.UpdatedAt),
	}
	if c.Version != nil {
		v := renderVersion(c.Version, false)
		out.Version = &v
	}
	return out
}

func renderAssignment(a *registry.AssignmentView) wire.ChannelAssignment {
	out := wire.ChannelAssignment{AssignedAt: wire.NewTime(a.AssignedAt), AuthorID: a.AuthorID}
	if a.Version != nil {
		v := renderVersion(a.Version, false)
		out.Version = &v
	}
	return out
}

func renderRelation(r registry.Relation) wire.BucketAncestry {
	out := wire.BucketAncestry{
		Status: r.Status,
		Parent: wire.AncestryParent{
			BucketName: r.Parent.BucketName, ChannelName: r.Parent.ChannelName,
			VersionFingerprint: r.Parent.VersionFingerprint, VersionID: r.Parent.VersionID, VersionName: r.Parent.VersionName,
		},
		Child: wire.AncestryChild{
			BucketName: r.Child.BucketName, VersionFingerprint: r.Child.VersionFingerprint,
			VersionID: r.Child.VersionID, VersionName: r.Child.VersionName,
		},
	}
	if cv := r.Parent.ChannelVersion; cv != nil {
		out.Parent.ChannelVersion = &wire.ChannelVersion{Fingerprint: cv.Fingerprint, ID: cv.ID, Name: cv.Name}
	}
	return out
}

func renderRegistry(org string, r *registry.Registry) wire.Registry {
	return wire.Registry{
		ID:       r.ID,
		Location: wire.Location{OrganizationID: org, ProjectID: r.ProjectID},
		Config: wire.RegistryConfig{
			Activated: r.Activated, FeatureTier: r.Tier,
			TFCRunTaskConfig: &wire.RunTaskConfigRef{APIID: r.ID, OnUntrackedImage: "WARN"},
		},
		CreatedAt: wire.NewTime(r.CreatedAt), UpdatedAt: wire.NewTime(r.UpdatedAt),
	}
}

func renderOperation(op *registry.Operation) wire.Operation {
	loc := wire.Location{OrganizationID: op.OrganizationID, ProjectID: op.ProjectID}
	return wire.Operation{
		ID:    op.ID,
		State: "DONE",
		Link: &wire.Link{
			Type: op.LinkType, ID: op.LinkID, Description: op.Description, Location: &loc,
		},
		Location:  loc,
		Response:  map[string]any{"@type": "type.googleapis.com/google.protobuf.Empty"},
		CreatedAt: wire.NewTime(op.CreatedAt), UpdatedAt: wire.NewTime(op.CreatedAt),
	}
}

func renderProject(orgID string, p store.Project) wire.Project {
	return wire.Project{
		ID: p.ID, Name: p.Name, Description: p.Description, State: "ACTIVE",
		Parent:    wire.ResourceID{ID: orgID, Type: "ORGANIZATION"},
		CreatedAt: wire.NewTime(p.CreatedAt),
	}
}

func renderOrganization(o Organization) wire.Organization {
	return wire.Organization{
		ID: o.ID, Name: o.Name, State: "ACTIVE", Owner: map[string]string{"user": "localhcp"},
		CreatedAt: wire.NewTime(o.CreatedAt),
	}
}

func labels(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
