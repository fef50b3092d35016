package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = (*runTaskResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*runTaskResource)(nil)
	_ resource.ResourceWithImportState = (*runTaskResource)(nil)
	_ resource.ResourceWithMoveState   = (*runTaskResource)(nil)
)

func newRunTaskResource() resource.Resource { return &runTaskResource{} }

// runTaskResource is the HCP Terraform run task of a project's registry. The
// registry makes the run task with itself and keeps it, so the resource only
// reads it and, when asked, regenerates its HMAC key.
//
// regenerate_hmac regenerates the key when it becomes true (on create, or a
// change from false), and state keeps the configured value, so the next plan
// is empty. The official provider stores false instead and regenerates on
// every apply while the configuration says true.
type runTaskResource struct {
	pd *providerData
}

type runTaskResourceModel struct {
	ID             types.String `tfsdk:"id"`
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	EndpointURL    types.String `tfsdk:"endpoint_url"`
	HMACKey        types.String `tfsdk:"hmac_key"`
	RegenerateHMAC types.Bool   `tfsdk:"regenerate_hmac"`
}

func (r *runTaskResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_run_task"
}

func (r *runTaskResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The HCP Terraform run task of a project's HCP Packer registry: the endpoint URL and " +
			"HMAC key to configure in HCP Terraform, so that runs are checked against revoked and unknown images.\n\n" +
			"The registry makes the run task itself and keeps it: creating the resource reads it, destroying it only " +
			"removes it from the Terraform state. Reading the HMAC key needs the contributor role; a viewer is refused.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The project id, as the official provider sets it.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"project_id": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				Validators: projectIDValidators(),
				MarkdownDescription: "The HCP project (a UUID) of the registry. Defaults to the provider's project. " +
					"Changing it, or the provider's default when it is unset, replaces the resource.",
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"organization_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The HCP organization of the project.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"endpoint_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The URL HCP Terraform calls to run the task (the API's `api_url`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"hmac_key": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The key HCP Terraform signs the run task's requests with. Refreshed on every " +
					"plan, so a key regenerated outside Terraform shows as a change of this value.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"regenerate_hmac": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Set to `true` to regenerate the HMAC key: once when the resource is created " +
					"with `true`, or once when it changes from `false` to `true`; the next plan is empty. To regenerate " +
					"again, set it to `false` and apply, then to `true` and apply. Defaults to `false`. Unlike the " +
					"official `hcp_packer_run_task`, `true` does not regenerate the key on every apply.",
			},
		},
	}
}

func (r *runTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans the location and, when the key will be regenerated, an
// unknown hmac_key, so the plan shows the sensitive value changing.
func (r *runTaskResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planLocation(ctx, r.pd, req, resp)
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan, state runTaskResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if regenerationRequested(plan.RegenerateHMAC, state.RegenerateHMAC) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("hmac_key"), types.StringUnknown())...)
	}
}

// regenerationRequested reports whether regenerate_hmac asks for a new key:
// it is true now and was not before (prior is null on create).
func regenerationRequested(planned, prior types.Bool) bool {
	return planned.ValueBool() && !prior.ValueBool()
}

func (r *runTaskResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan runTaskResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	const summary = "Unable to Create Run Task"
	task, ok := r.read(ctx, loc, summary, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx = client.MaskRunTaskKeys(ctx, task.HMACKey)
	if regenerationRequested(plan.RegenerateHMAC, types.BoolNull()) {
		if task.HMACKey, ok = r.regenerate(ctx, loc, summary, &resp.Diagnostics); !ok {
			return
		}
	}
	plan.fromAPI(loc, task)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *runTaskResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state runTaskResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = client.MaskRunTaskKeys(ctx, state.HMACKey.ValueString())
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	task, err := r.pd.client.GetRunTask(ctx, loc)
	if client.IsNotFound(err) {
		warnGone(ctx, "run task", map[string]any{"project_id": loc.ProjectID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read Run Task", runTaskAction(loc), secretAccess, err)
		return
	}
	// An import leaves regenerate_hmac unset; its default keeps the plan empty.
	if state.RegenerateHMAC.IsNull() {
		state.RegenerateHMAC = types.BoolValue(false)
	}
	state.fromAPI(loc, task)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update regenerates the key when regenerate_hmac turned true; any other
// change only records the new value.
func (r *runTaskResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state runTaskResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = client.MaskRunTaskKeys(ctx, state.HMACKey.ValueString())
	if regenerationRequested(plan.RegenerateHMAC, state.RegenerateHMAC) {
		loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
		if !ok {
			return
		}
		key, ok := r.regenerate(ctx, loc, "Unable to Update Run Task", &resp.Diagnostics)
		if !ok {
			return
		}
		plan.HMACKey = types.StringValue(key)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete calls no API: the run task belongs to the registry, which keeps it.
func (r *runTaskResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var project types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("project_id"), &project)...)
	tflog.Info(ctx, "run task removed from the Terraform state only: it stays with the project's HCP Packer registry, "+
		"and its HMAC key keeps working", map[string]any{"project_id": project.ValueString()})
}

func (r *runTaskResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !uuidPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected the id of the run task's HCP project (%s), got %q.", uuidRule, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), req.ID)...)
}

// MoveState takes over the state of hashicorp/hcp's hcp_packer_run_task from a moved block.
func (r *runTaskResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOfficial("hcp_packer_run_task", runTaskFromOfficial)}
}

// read fetches the run task for Create.
func (r *runTaskResource) read(ctx context.Context, loc client.Location, summary string, diags *diag.Diagnostics) (*client.RunTask, bool) {
	task, err := r.pd.client.GetRunTask(ctx, loc)
	if client.IsNotFound(err) {
		diags.AddAttributeError(path.Root("project_id"), "Registry Not Found", registryMissingDetail(loc))
		return nil, false
	}
	if err != nil {
		reportAPIError(diags, summary, runTaskAction(loc), secretAccess, err)
		return nil, false
	}
	return task, true
}

// regenerate replaces the key and returns the new one.
func (r *runTaskResource) regenerate(ctx context.Context, loc client.Location, summary string, diags *diag.Diagnostics) (string, bool) {
	key, err := r.pd.client.RegenerateRunTaskKey(ctx, loc)
	if err != nil {
		reportAPIError(diags, summary,
			fmt.Sprintf("regenerate the run task's HMAC key in project %q", loc.ProjectID), writeAccess, err)
		return "", false
	}
	tflog.Info(ctx, "regenerated the run task's HMAC key", map[string]any{"project_id": loc.ProjectID})
	return key, true
}

// runTaskAction names the read in diagnostics.
func runTaskAction(loc client.Location) string {
	return fmt.Sprintf("read the run task of the HCP Packer registry in project %q", loc.ProjectID)
}

// registryMissingDetail explains a project without an active registry.
func registryMissingDetail(loc client.Location) string {
	return fmt.Sprintf("Project %q has no active HCP Packer registry, so it has no run task. Activate HCP Packer in "+
		"the project in the HCP portal, or check project_id.", loc.ProjectID)
}

// fromAPI copies the run task into the model.
func (m *runTaskResourceModel) fromAPI(loc client.Location, task *client.RunTask) {
	m.ID = types.StringValue(loc.ProjectID)
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.EndpointURL = types.StringValue(task.APIURL)
	m.HMACKey = types.StringValue(task.HMACKey)
}
