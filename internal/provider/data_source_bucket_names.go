package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*bucketNamesDataSource)(nil)

func newBucketNamesDataSource() datasource.DataSource { return &bucketNamesDataSource{} }

// bucketNamesDataSource is hcppacker_bucket_names: the names of every bucket
// in a project, all pages of them.
type bucketNamesDataSource struct {
	data *providerData
}

type bucketNamesDataSourceModel struct {
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	ID             types.String `tfsdk:"id"`
	Names          types.Set    `tfsdk:"names"`
}

func (d *bucketNamesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_names"
}

func (d *bucketNamesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The project id, as the official `hcp_packer_bucket_names` sets it.",
			Computed:            true,
		},
		"names": schema.SetAttribute{
			MarkdownDescription: "The names of all buckets in the project (empty when there are none).",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the names of every HCP Packer bucket in a project, following the API's pagination to the end.",
		Attributes:          attrs,
	}
}

func (d *bucketNamesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *bucketNamesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m bucketNamesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := d.data.location(ctx, m.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	buckets, err := d.data.client.ListBuckets(ctx, loc)
	if err != nil {
		addLookupError(&resp.Diagnostics, registryCallError(err, "Buckets", "the buckets of project "+loc.ProjectID, ""))
		return
	}
	names := make([]string, 0, len(buckets))
	for _, b := range buckets {
		names = append(names, b.Name)
	}
	slices.Sort(names)
	set, diags := types.SetValueFrom(ctx, types.StringType, names)
	resp.Diagnostics.Append(diags...)
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.ID = types.StringValue(loc.ProjectID)
	m.Names = set
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
