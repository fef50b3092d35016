package provider

import (
	"context"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*iterationDataSource)(nil)

func newIterationDataSource() datasource.DataSource { return &iterationDataSource{} }

// iterationDataSource is hcppacker_iteration: the version a channel points
// at, in the 2022 vocabulary of the official hcp_packer_iteration, so that
// such configs only need their type prefix renamed.
type iterationDataSource struct {
	data *providerData
}

type iterationDataSourceModel struct {
	BucketName         types.String `tfsdk:"bucket_name"`
	Channel            types.String `tfsdk:"channel"`
	ProjectID          types.String `tfsdk:"project_id"`
	OrganizationID     types.String `tfsdk:"organization_id"`
	ID                 types.String `tfsdk:"id"`
	ULID               types.String `tfsdk:"ulid"`
	Fingerprint        types.String `tfsdk:"fingerprint"`
	IncrementalVersion types.Int64  `tfsdk:"incremental_version"`
	AuthorID           types.String `tfsdk:"author_id"`
	CreatedAt          types.String `tfsdk:"created_at"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
	lookupRevocationModel
}

func (d *iterationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iteration"
}

func (d *iterationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"bucket_name": schema.StringAttribute{
			MarkdownDescription: "The bucket that holds the iteration.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"channel": schema.StringAttribute{
			MarkdownDescription: "The channel whose iteration to read. An unassigned channel is an error.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"id": schema.StringAttribute{
			MarkdownDescription: "The iteration's (version's) id, a ULID.",
			Computed:            true,
		},
		"ulid": schema.StringAttribute{
			MarkdownDescription: "The iteration's id again, as 2022-era configs read it.",
			Computed:            true,
		},
		"fingerprint": schema.StringAttribute{
			MarkdownDescription: "The iteration's fingerprint.",
			Computed:            true,
		},
		"incremental_version": schema.Int64Attribute{
			MarkdownDescription: "The iteration's number N, from its name `vN`.",
			Computed:            true,
		},
		"author_id": schema.StringAttribute{
			MarkdownDescription: "The principal that created the iteration.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the iteration was created (RFC 3339, UTC).",
			Computed:            true,
		},
		"updated_at": schema.StringAttribute{
			MarkdownDescription: "When the iteration was last changed (RFC 3339, UTC).",
			Computed:            true,
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the iteration (today: version) a channel points at, with the attribute names of the " +
			"official provider's `hcp_packer_iteration` as 2022-era configs use them, plus its revocation state. " +
			"`hcppacker_version` is the same lookup in today's vocabulary.",
		Attributes: revocationAttributes(attrs),
	}
}

func (d *iterationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *iterationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m iterationDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := d.data.location(ctx, m.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	q := versionQuery{Location: loc, Bucket: m.BucketName.ValueString(), Channel: m.Channel.ValueString()}
	now := d.data.now()
	v, diags := newVersionLookup(d.data.registryReader(), termsIteration).resolve(ctx, q, m.RejectRevoked.ValueBool(), now)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	fillIterationModel(&m, loc, v, now)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillIterationModel maps the version found onto the model, keeping the inputs.
func fillIterationModel(m *iterationDataSourceModel, loc client.Location, v *client.Version, now time.Time) {
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.ID = types.StringValue(v.ID)
	m.ULID = types.StringValue(v.ID)
	m.Fingerprint = types.StringValue(v.Fingerprint)
	// The lookup only returns complete versions, whose names parse.
	n, _ := v.IncrementalVersion()
	m.IncrementalVersion = types.Int64Value(n)
	m.AuthorID = optionalStringValue(v.AuthorID)
	m.CreatedAt = stateTime(v.CreatedAt)
	m.UpdatedAt = stateTime(v.UpdatedAt)
	m.lookupRevocationModel = newLookupRevocationModel(v, now, m.RejectRevoked)
}
