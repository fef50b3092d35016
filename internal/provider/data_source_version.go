package provider

import (
	"context"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure        = (*versionDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*versionDataSource)(nil)
)

func newVersionDataSource() datasource.DataSource { return &versionDataSource{} }

// versionDataSource is hcppacker_version: one version of a bucket, in today's
// vocabulary, looked up by channel, fingerprint or id.
type versionDataSource struct {
	data *providerData
}

type versionDataSourceModel struct {
	BucketName     types.String `tfsdk:"bucket_name"`
	ChannelName    types.String `tfsdk:"channel_name"`
	Fingerprint    types.String `tfsdk:"fingerprint"`
	ID             types.String `tfsdk:"id"`
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Name           types.String `tfsdk:"name"`
	AuthorID       types.String `tfsdk:"author_id"`
	CreatedAt      types.String `tfsdk:"created_at"`
	UpdatedAt      types.String `tfsdk:"updated_at"`
	lookupRevocationModel
}

func (d *versionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_version"
}

func (d *versionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"bucket_name": schema.StringAttribute{
			MarkdownDescription: "The bucket that holds the version.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"channel_name": schema.StringAttribute{
			MarkdownDescription: "Look up the version assigned to this channel (`latest` is the newest complete, " +
				"unrevoked version). Exactly one of `channel_name`, `fingerprint` and `id` must be set. " +
				"An unassigned channel is an error.",
			Optional:   true,
			Validators: nameValidators(),
		},
		"fingerprint": schema.StringAttribute{
			MarkdownDescription: "Look up the version with this fingerprint; when the lookup is by channel or id, the " +
				"version's fingerprint. Exactly one of `channel_name`, `fingerprint` and `id` must be set.",
			Optional:   true,
			Computed:   true,
			Validators: fingerprintValidators(),
		},
		"id": schema.StringAttribute{
			MarkdownDescription: "Look up the version with this id (a ULID); otherwise the version's id. " +
				"Exactly one of `channel_name`, `fingerprint` and `id` must be set.",
			Optional:   true,
			Computed:   true,
			Validators: versionIDValidators(),
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "The version's incremental name, `v1`, `v2`, … (formerly the iteration's `incremental_version`).",
			Computed:            true,
		},
		"author_id": schema.StringAttribute{
			MarkdownDescription: "The principal that created the version.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the version was created (RFC 3339, UTC).",
			Computed:            true,
		},
		"updated_at": schema.StringAttribute{
			MarkdownDescription: "When the version was last changed (RFC 3339, UTC).",
			Computed:            true,
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one complete version (formerly an iteration) of an HCP Packer bucket: the one a " +
			"channel points at, or the one with a given fingerprint or id, with its revocation state. " +
			"An incomplete version is an error. Compatible with the official `hcp_packer_version`, which can only look up by channel.",
		Attributes: revocationAttributes(attrs),
	}
}

func (d *versionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *versionDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("channel_name"), path.MatchRoot("fingerprint"), path.MatchRoot("id")),
	}
}

func (d *versionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m versionDataSourceModel
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
		Channel:     m.ChannelName.ValueString(),
		Fingerprint: m.Fingerprint.ValueString(),
		ID:          m.ID.ValueString(),
	}
	now := d.data.now()
	v, diags := newVersionLookup(d.data.registryReader(), termsVersion).resolve(ctx, q, m.RejectRevoked.ValueBool(), now)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	fillVersionModel(&m, loc, v, now)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillVersionModel maps the version found onto the model, keeping the inputs.
func fillVersionModel(m *versionDataSourceModel, loc client.Location, v *client.Version, now time.Time) {
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.Fingerprint = types.StringValue(v.Fingerprint)
	m.ID = types.StringValue(v.ID)
	m.Name = types.StringValue(v.Name)
	m.AuthorID = optionalStringValue(v.AuthorID)
	m.CreatedAt = stateTime(v.CreatedAt)
	m.UpdatedAt = stateTime(v.UpdatedAt)
	m.lookupRevocationModel = newLookupRevocationModel(v, now, m.RejectRevoked)
}
