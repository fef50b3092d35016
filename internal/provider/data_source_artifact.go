package provider

import (
	"context"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure        = (*artifactDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*artifactDataSource)(nil)
)

func newArtifactDataSource() datasource.DataSource { return &artifactDataSource{} }

// artifactDataSource is hcppacker_artifact: one artifact (a cloud image id in
// one region) of a version, in today's vocabulary.
type artifactDataSource struct {
	data *providerData
}

type artifactDataSourceModel struct {
	BucketName         types.String `tfsdk:"bucket_name"`
	Platform           types.String `tfsdk:"platform"`
	Region             types.String `tfsdk:"region"`
	ChannelName        types.String `tfsdk:"channel_name"`
	VersionFingerprint types.String `tfsdk:"version_fingerprint"`
	VersionID          types.String `tfsdk:"version_id"`
	ComponentType      types.String `tfsdk:"component_type"`
	Labels             types.Map    `tfsdk:"labels"`
	ProjectID          types.String `tfsdk:"project_id"`
	OrganizationID     types.String `tfsdk:"organization_id"`
	ID                 types.String `tfsdk:"id"`
	ExternalIdentifier types.String `tfsdk:"external_identifier"`
	BuildID            types.String `tfsdk:"build_id"`
	BuildLabels        types.Map    `tfsdk:"build_labels"`
	PackerRunUUID      types.String `tfsdk:"packer_run_uuid"`
	CreatedAt          types.String `tfsdk:"created_at"`
	VersionName        types.String `tfsdk:"version_name"`
	lookupRevocationModel
}

func (d *artifactDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_artifact"
}

func (d *artifactDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	attrs := map[string]schema.Attribute{
		"bucket_name": schema.StringAttribute{
			MarkdownDescription: "The bucket that holds the version.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"platform": schema.StringAttribute{
			MarkdownDescription: "The platform the artifact was built for, as Packer records it: `aws`, `azure`, `gce`, … (case-sensitive).",
			Required:            true,
			Validators:          nonEmpty,
		},
		"region": schema.StringAttribute{
			MarkdownDescription: "The region of the artifact, e.g. `us-east-1`. Only an artifact in exactly this region is " +
				"returned; another region is never substituted.",
			Required:   true,
			Validators: nonEmpty,
		},
		"channel_name": schema.StringAttribute{
			MarkdownDescription: "Take the version assigned to this channel. Exactly one of `channel_name`, " +
				"`version_fingerprint` and `version_id` must be set. An unassigned channel is an error.",
			Optional:   true,
			Validators: nameValidators(),
		},
		"version_fingerprint": schema.StringAttribute{
			MarkdownDescription: "Take the version with this fingerprint; otherwise the fingerprint of the version used. " +
				"Exactly one of `channel_name`, `version_fingerprint` and `version_id` must be set.",
			Optional:   true,
			Computed:   true,
			Validators: fingerprintValidators(),
		},
		"version_id": schema.StringAttribute{
			MarkdownDescription: "Take the version with this id (a ULID); otherwise the id of the version used. " +
				"Exactly one of `channel_name`, `version_fingerprint` and `version_id` must be set.",
			Optional:   true,
			Computed:   true,
			Validators: versionIDValidators(),
		},
		"component_type": schema.StringAttribute{
			MarkdownDescription: "Only consider builds of this component, e.g. `amazon-ebs.ubuntu` (Packer's " +
				"`<source type>.<source name>`); otherwise the component of the build used. Set it when a version " +
				"has several builds for the same platform and region.",
			Optional:   true,
			Computed:   true,
			Validators: nonEmpty,
		},
		"labels": schema.MapAttribute{
			MarkdownDescription: "Only consider builds that carry all of these labels with these values (the build may " +
				"have more). Works with every lookup key. Kept as written; the build's full labels are in `build_labels`.",
			ElementType: types.StringType,
			Optional:    true,
		},
		"id": schema.StringAttribute{
			MarkdownDescription: "The artifact's id (ULID).",
			Computed:            true,
		},
		"external_identifier": schema.StringAttribute{
			MarkdownDescription: "The cloud's id of the image, e.g. an AMI id: the value to feed into `aws_instance.ami` and friends.",
			Computed:            true,
		},
		"build_id": schema.StringAttribute{
			MarkdownDescription: "The id (ULID) of the build that produced the artifact.",
			Computed:            true,
		},
		"build_labels": schema.MapAttribute{
			MarkdownDescription: "All labels of the build that produced the artifact (empty when it has none).",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"packer_run_uuid": schema.StringAttribute{
			MarkdownDescription: "The UUID of the `packer build` run that produced the build.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the artifact was recorded (RFC 3339, UTC).",
			Computed:            true,
		},
		"version_name": schema.StringAttribute{
			MarkdownDescription: "The incremental name of the version used, `v1`, `v2`, ….",
			Computed:            true,
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one artifact (formerly an image) of a complete version: the one built for `platform` " +
			"in exactly `region`, optionally narrowed by `component_type` and `labels`. When several artifacts match, " +
			"the lookup fails and lists them instead of picking one. Compatible with the official `hcp_packer_artifact`, " +
			"except that `labels` keeps its configured value (see `build_labels`).",
		Attributes: revocationAttributes(attrs),
	}
}

func (d *artifactDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *artifactDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("channel_name"), path.MatchRoot("version_fingerprint"), path.MatchRoot("version_id")),
	}
}

func (d *artifactDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m artifactDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	labels := stringMapFrom(ctx, m.Labels, &resp.Diagnostics)
	loc, ok := d.data.location(ctx, m.ProjectID, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	q := versionQuery{
		Location:    loc,
		Bucket:      m.BucketName.ValueString(),
		Channel:     m.ChannelName.ValueString(),
		Fingerprint: m.VersionFingerprint.ValueString(),
		ID:          m.VersionID.ValueString(),
	}
	aq := artifactQuery{
		Platform:      m.Platform.ValueString(),
		Region:        m.Region.ValueString(),
		ComponentType: m.ComponentType.ValueString(),
		Labels:        labels,
	}
	now := d.data.now()
	v, choice, diags := newVersionLookup(d.data.registryReader(), termsArtifact).resolveArtifact(ctx, q, aq, m.RejectRevoked.ValueBool(), now)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	fillArtifactModel(ctx, &m, loc, v, choice, now, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillArtifactModel maps the artifact found onto the model, keeping the inputs.
func fillArtifactModel(ctx context.Context, m *artifactDataSourceModel, loc client.Location, v *client.Version, c artifactChoice, now time.Time, diags *diag.Diagnostics) {
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.VersionFingerprint = types.StringValue(v.Fingerprint)
	m.VersionID = types.StringValue(v.ID)
	m.VersionName = types.StringValue(v.Name)
	m.ComponentType = optionalStringValue(c.Build.ComponentType)
	m.ID = types.StringValue(c.Artifact.ID)
	m.ExternalIdentifier = types.StringValue(c.Artifact.ExternalIdentifier)
	m.BuildID = types.StringValue(c.Build.ID)
	m.BuildLabels = stringMapValue(ctx, c.Build.Labels, diags)
	m.PackerRunUUID = optionalStringValue(c.Build.PackerRunUUID)
	m.CreatedAt = stateTime(c.Artifact.CreatedAt)
	m.lookupRevocationModel = newLookupRevocationModel(v, now, m.RejectRevoked)
}
