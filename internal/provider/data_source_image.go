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
	_ datasource.DataSourceWithConfigure        = (*imageDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*imageDataSource)(nil)
)

func newImageDataSource() datasource.DataSource { return &imageDataSource{} }

// imageDataSource is hcppacker_image: the artifact lookup in the 2022
// vocabulary of the official hcp_packer_image (iteration, cloud_provider,
// cloud_image_id), so that such configs only need their type prefix renamed.
type imageDataSource struct {
	data *providerData
}

type imageDataSourceModel struct {
	BucketName     types.String `tfsdk:"bucket_name"`
	CloudProvider  types.String `tfsdk:"cloud_provider"`
	Region         types.String `tfsdk:"region"`
	Channel        types.String `tfsdk:"channel"`
	IterationID    types.String `tfsdk:"iteration_id"`
	Fingerprint    types.String `tfsdk:"fingerprint"`
	ComponentType  types.String `tfsdk:"component_type"`
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	ID             types.String `tfsdk:"id"`
	CloudImageID   types.String `tfsdk:"cloud_image_id"`
	BuildID        types.String `tfsdk:"build_id"`
	PackerRunUUID  types.String `tfsdk:"packer_run_uuid"`
	Labels         types.Map    `tfsdk:"labels"`
	CreatedAt      types.String `tfsdk:"created_at"`
	lookupRevocationModel
}

func (d *imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (d *imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	attrs := map[string]schema.Attribute{
		"bucket_name": schema.StringAttribute{
			MarkdownDescription: "The bucket that holds the iteration.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"cloud_provider": schema.StringAttribute{
			MarkdownDescription: "The platform the image was built for, as Packer records it: `aws`, `azure`, `gce`, … (case-sensitive).",
			Required:            true,
			Validators:          nonEmpty,
		},
		"region": schema.StringAttribute{
			MarkdownDescription: "The region of the image, e.g. `us-east-1`. Only an image in exactly this region is " +
				"returned; another region is never substituted.",
			Required:   true,
			Validators: nonEmpty,
		},
		"channel": schema.StringAttribute{
			MarkdownDescription: "Take the iteration assigned to this channel. Exactly one of `channel`, `iteration_id` " +
				"and `fingerprint` must be set. An unassigned channel is an error.",
			Optional:   true,
			Validators: nameValidators(),
		},
		"iteration_id": schema.StringAttribute{
			MarkdownDescription: "Take the iteration (version) with this id, a ULID; otherwise the id of the iteration used. " +
				"Exactly one of `channel`, `iteration_id` and `fingerprint` must be set.",
			Optional:   true,
			Computed:   true,
			Validators: versionIDValidators(),
		},
		"fingerprint": schema.StringAttribute{
			MarkdownDescription: "Take the iteration with this fingerprint; otherwise the fingerprint of the iteration used. " +
				"Exactly one of `channel`, `iteration_id` and `fingerprint` must be set.",
			Optional:   true,
			Computed:   true,
			Validators: fingerprintValidators(),
		},
		"component_type": schema.StringAttribute{
			MarkdownDescription: "Only consider builds of this component, e.g. `amazon-ebs.ubuntu`; otherwise the " +
				"component of the build used. Set it when an iteration has several builds for the same cloud and region.",
			Optional:   true,
			Computed:   true,
			Validators: nonEmpty,
		},
		"id": schema.StringAttribute{
			MarkdownDescription: "The image's (artifact's) id, a ULID.",
			Computed:            true,
		},
		"cloud_image_id": schema.StringAttribute{
			MarkdownDescription: "The cloud's id of the image, e.g. an AMI id: the value to feed into `aws_instance.ami` and friends.",
			Computed:            true,
		},
		"build_id": schema.StringAttribute{
			MarkdownDescription: "The id (ULID) of the build that produced the image.",
			Computed:            true,
		},
		"packer_run_uuid": schema.StringAttribute{
			MarkdownDescription: "The UUID of the `packer build` run that produced the build.",
			Computed:            true,
		},
		"labels": schema.MapAttribute{
			MarkdownDescription: "The labels of the build that produced the image (empty when it has none).",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the image was recorded (RFC 3339, UTC).",
			Computed:            true,
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one image (today: artifact) of a complete iteration (today: version) with the " +
			"attribute names of the official provider's `hcp_packer_image` as 2022-era configs use them. The same " +
			"lookup as `hcppacker_artifact`: exactly `region`, never another; several matches are an error that lists them.",
		Attributes: revocationAttributes(attrs),
	}
}

func (d *imageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *imageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("channel"), path.MatchRoot("iteration_id"), path.MatchRoot("fingerprint")),
	}
}

func (d *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m imageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := d.data.location(ctx, m.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	q := versionQuery{
		Location:    loc,
		Bucket:      m.BucketName.ValueString(),
		Channel:     m.Channel.ValueString(),
		Fingerprint: m.Fingerprint.ValueString(),
		ID:          m.IterationID.ValueString(),
	}
	aq := artifactQuery{
		Platform:      m.CloudProvider.ValueString(),
		Region:        m.Region.ValueString(),
		ComponentType: m.ComponentType.ValueString(),
	}
	now := d.data.now()
	v, choice, diags := newVersionLookup(d.data.registryReader(), termsImage).resolveArtifact(ctx, q, aq, m.RejectRevoked.ValueBool(), now)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	fillImageModel(ctx, &m, loc, v, choice, now, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillImageModel maps the artifact found onto the model, keeping the inputs.
func fillImageModel(ctx context.Context, m *imageDataSourceModel, loc client.Location, v *client.Version, c artifactChoice, now time.Time, diags *diag.Diagnostics) {
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.IterationID = types.StringValue(v.ID)
	m.Fingerprint = types.StringValue(v.Fingerprint)
	m.ComponentType = optionalStringValue(c.Build.ComponentType)
	m.ID = types.StringValue(c.Artifact.ID)
	m.CloudImageID = types.StringValue(c.Artifact.ExternalIdentifier)
	m.BuildID = types.StringValue(c.Build.ID)
	m.PackerRunUUID = optionalStringValue(c.Build.PackerRunUUID)
	m.Labels = stringMapValue(ctx, c.Build.Labels, diags)
	m.CreatedAt = stateTime(c.Artifact.CreatedAt)
	m.lookupRevocationModel = newLookupRevocationModel(v, now, m.RejectRevoked)
}
