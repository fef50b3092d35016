package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*bucketDataSource)(nil)

func newBucketDataSource() datasource.DataSource { return &bucketDataSource{} }

// bucketDataSource is hcppacker_bucket: one bucket with its description,
// labels, platforms and latest version.
type bucketDataSource struct {
	data *providerData
}

type bucketDataSourceModel struct {
	Name                     types.String `tfsdk:"name"`
	ProjectID                types.String `tfsdk:"project_id"`
	OrganizationID           types.String `tfsdk:"organization_id"`
	ID                       types.String `tfsdk:"id"`
	ResourceName             types.String `tfsdk:"resource_name"`
	Description              types.String `tfsdk:"description"`
	Labels                   types.Map    `tfsdk:"labels"`
	Platforms                types.Set    `tfsdk:"platforms"`
	VersionCount             types.Int64  `tfsdk:"version_count"`
	LatestVersionFingerprint types.String `tfsdk:"latest_version_fingerprint"`
	LatestVersionID          types.String `tfsdk:"latest_version_id"`
	LatestVersionName        types.String `tfsdk:"latest_version_name"`
	CreatedAt                types.String `tfsdk:"created_at"`
	UpdatedAt                types.String `tfsdk:"updated_at"`
}

func (d *bucketDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket"
}

func (d *bucketDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"name": schema.StringAttribute{
			MarkdownDescription: "The bucket's name.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"id": schema.StringAttribute{
			MarkdownDescription: "The bucket's id (ULID).",
			Computed:            true,
		},
		"resource_name": schema.StringAttribute{
			MarkdownDescription: "The bucket's HCP resource name, `packer/project/<project_id>/bucket/<name>`, as IAM policies and the official provider's import use it.",
			Computed:            true,
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "The bucket's description; null when it has none.",
			Computed:            true,
		},
		"labels": schema.MapAttribute{
			MarkdownDescription: "The bucket's labels (empty when it has none).",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"platforms": schema.SetAttribute{
			MarkdownDescription: "The platforms (`aws`, `azure`, …) the bucket's latest complete version was built for.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"version_count": schema.Int64Attribute{
			MarkdownDescription: "How many versions the bucket holds, complete or not.",
			Computed:            true,
		},
		"latest_version_fingerprint": schema.StringAttribute{
			MarkdownDescription: "The fingerprint of the newest complete, unrevoked version (the one on the `latest` channel); null when there is none.",
			Computed:            true,
		},
		"latest_version_id": schema.StringAttribute{
			MarkdownDescription: "The id of that version; null when there is none.",
			Computed:            true,
		},
		"latest_version_name": schema.StringAttribute{
			MarkdownDescription: "The name (`vN`) of that version; null when there is none.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the bucket was created (RFC 3339, UTC).",
			Computed:            true,
		},
		"updated_at": schema.StringAttribute{
			MarkdownDescription: "When the bucket was last changed (RFC 3339, UTC).",
			Computed:            true,
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one HCP Packer bucket: its description, labels, platforms, version count and latest version.",
		Attributes:          attrs,
	}
}

func (d *bucketDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *bucketDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m bucketDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := d.data.location(ctx, m.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	name := m.Name.ValueString()
	b, err := d.data.registryReader().GetBucket(ctx, loc, name)
	switch {
	case client.IsNotFound(err):
		addLookupError(&resp.Diagnostics, bucketNotFound(versionQuery{Location: loc, Bucket: name}, lookupTerms{Bucket: "name"}))
		return
	case err != nil:
		addLookupError(&resp.Diagnostics, registryCallError(err, "Bucket", fmt.Sprintf("bucket %q", name), "name"))
		return
	}
	fillBucketModel(ctx, &m, loc, b, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillBucketModel maps the bucket onto the model, keeping the inputs.
func fillBucketModel(ctx context.Context, m *bucketDataSourceModel, loc client.Location, b *client.Bucket, diags *diag.Diagnostics) {
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.ID = types.StringValue(b.ID)
	m.ResourceName = types.StringValue("packer/project/" + loc.ProjectID + "/bucket/" + b.Name)
	m.Description = optionalStringValue(b.Description)
	m.Labels = stringMapValue(ctx, b.Labels, diags)
	platforms := slices.Clone(b.Platforms)
	if platforms == nil {
		platforms = []string{}
	}
	set, d := types.SetValueFrom(ctx, types.StringType, platforms)
	diags.Append(d...)
	m.Platforms = set
	m.VersionCount = types.Int64Value(b.VersionCount)
	m.LatestVersionFingerprint, m.LatestVersionID, m.LatestVersionName = types.StringNull(), types.StringNull(), types.StringNull()
	if lv := b.LatestVersion; lv != nil {
		m.LatestVersionFingerprint = types.StringValue(lv.Fingerprint)
		m.LatestVersionID = types.StringValue(lv.ID)
		m.LatestVersionName = types.StringValue(lv.Name)
	}
	m.CreatedAt = stateTime(b.CreatedAt)
	m.UpdatedAt = stateTime(b.UpdatedAt)
}
