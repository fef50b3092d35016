package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*runTaskDataSource)(nil)

func newRunTaskDataSource() datasource.DataSource { return &runTaskDataSource{} }

// runTaskDataSource is hcppacker_run_task: the registry's HCP Terraform run
// task, read without managing it.
type runTaskDataSource struct {
	data *providerData
}

type runTaskDataSourceModel struct {
	ID             types.String `tfsdk:"id"`
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	EndpointURL    types.String `tfsdk:"endpoint_url"`
	HMACKey        types.String `tfsdk:"hmac_key"`
}

func (d *runTaskDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_run_task"
}

func (d *runTaskDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The project id, as the official provider sets it.",
			Computed:            true,
		},
		"endpoint_url": schema.StringAttribute{
			MarkdownDescription: "The URL HCP Terraform calls to run the task (the API's `api_url`).",
			Computed:            true,
		},
		"hmac_key": schema.StringAttribute{
			MarkdownDescription: "The key HCP Terraform signs the run task's requests with.",
			Computed:            true,
			Sensitive:           true,
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the HCP Terraform run task of a project's HCP Packer registry: its endpoint URL " +
			"and HMAC key. Reading the key needs the contributor role; a viewer is refused. In a configuration that " +
			"also declares `hcppacker_run_task` for the project, read the resource's attributes instead: the data " +
			"source may be read before the resource regenerates the key.",
		Attributes: attrs,
	}
}

func (d *runTaskDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *runTaskDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m runTaskDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := d.data.location(ctx, m.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	task, err := d.data.client.GetRunTask(ctx, loc)
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Registry Not Found", registryMissingDetail(loc))
		return
	case err != nil:
		reportAPIError(&resp.Diagnostics, "Unable to Read Run Task", runTaskAction(loc), secretAccess, err)
		return
	}
	m.ID = types.StringValue(loc.ProjectID)
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.EndpointURL = types.StringValue(task.APIURL)
	m.HMACKey = types.StringValue(task.HMACKey)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
