package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = (*bucketResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*bucketResource)(nil)
	_ resource.ResourceWithImportState = (*bucketResource)(nil)
	_ resource.ResourceWithMoveState   = (*bucketResource)(nil)
)

func newBucketResource() resource.Resource { return &bucketResource{} }

// bucketResource manages an HCP Packer bucket.
type bucketResource struct {
	pd *providerData
}

type bucketResourceModel struct {
	ID                       types.String `tfsdk:"id"`
	Name                     types.String `tfsdk:"name"`
	Description              types.String `tfsdk:"description"`
	Labels                   types.Map    `tfsdk:"labels"`
	ForceDestroy             types.Bool   `tfsdk:"force_destroy"`
	ProjectID                types.String `tfsdk:"project_id"`
	OrganizationID           types.String `tfsdk:"organization_id"`
	ResourceName             types.String `tfsdk:"resource_name"`
	LatestVersionFingerprint types.String `tfsdk:"latest_version_fingerprint"`
	CreatedAt                types.String `tfsdk:"created_at"`
	UpdatedAt                types.String `tfsdk:"updated_at"`
}

func (r *bucketResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket"
}

func (r *bucketResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An HCP Packer bucket: the registry entry that holds every version Packer publishes for one " +
			"image. Destroying a bucket that still holds versions is refused unless `force_destroy` is true, because " +
			"HCP deletes the versions, their builds and artifacts, and the bucket's channels with it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The bucket's ULID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:   true,
				Validators: nameValidators(),
				MarkdownDescription: "The bucket name: 3 to 36 letters, digits and hyphens, as Packer's " +
					"`hcp_packer_registry.bucket_name` requires. Changing it replaces the bucket (and deletes its versions).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				MarkdownDescription: "A description of the image the bucket tracks. Defaults to `\"\"`. Updated in place.",
			},
			"labels": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				MarkdownDescription: "Labels of the bucket. Defaults to no labels; labels added outside Terraform are " +
					"removed on the next apply. Updated in place.",
			},
			"force_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Allow destroying the bucket while it still holds versions, deleting them with it. " +
					"Defaults to `false`: destroy then fails and names the number of versions. Changing it touches " +
					"only the Terraform state, so set it to `true` and apply before a destroy.",
			},
			"project_id": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				Validators: projectIDValidators(),
				MarkdownDescription: "The HCP project (a UUID) of the bucket. Defaults to the provider's project. " +
					"Changing it, or the provider's default when it is unset, replaces the bucket.",
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"organization_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The HCP organization of the bucket's project.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"resource_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The bucket's HCP resource name, `packer/project/{project_id}/bucket/{name}`, " +
					"as used by HCP IAM policies.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"latest_version_fingerprint": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The fingerprint of the newest complete, unrevoked version (the one on the managed " +
					"`latest` channel); null while the bucket has none.",
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the bucket was created (RFC 3339, UTC).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the bucket was last changed (RFC 3339, UTC).",
			},
		},
	}
}

func (r *bucketResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *bucketResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planLocation(ctx, r.pd, req, resp)
	if r.pd == nil || !req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	// A destroy that Delete would refuse is refused now, before the plan
	// makes other changes; Delete checks again for versions pushed since.
	var state bucketResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.ForceDestroy.ValueBool() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	r.refuseDeleteWithVersions(ctx, loc, state.Name.ValueString(), &resp.Diagnostics)
}

func (r *bucketResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bucketResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	in, diags := plan.input(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	b, err := r.pd.client.CreateBucket(ctx, loc, in)
	if client.IsAlreadyExists(err) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Bucket Already Exists",
			fmt.Sprintf("Bucket %q already exists in project %q. Import it to manage it with Terraform, e.g. "+
				"terraform import hcppacker_bucket.<name> %s, or choose another name.", in.Name, loc.ProjectID, in.Name))
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Create Bucket",
			fmt.Sprintf("create bucket %q in project %q", in.Name, loc.ProjectID), writeAccess, err)
		return
	}

	resp.Diagnostics.Append(plan.fromAPI(ctx, loc, b)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bucketResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}

	b, err := r.pd.client.GetBucket(ctx, loc, state.Name.ValueString())
	if client.IsNotFound(err) {
		warnGone(ctx, "bucket", map[string]any{"bucket": state.Name.ValueString(), "project_id": loc.ProjectID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read Bucket",
			fmt.Sprintf("read bucket %q in project %q", state.Name.ValueString(), loc.ProjectID), readAccess, err)
		return
	}

	resp.Diagnostics.Append(state.fromAPI(ctx, loc, b)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bucketResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state bucketResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	in, diags := plan.input(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	var b *client.Bucket
	var err error
	action := fmt.Sprintf("update bucket %q in project %q", in.Name, loc.ProjectID)
	if plan.Description.Equal(state.Description) && plan.Labels.Equal(state.Labels) {
		// Only force_destroy changed: it lives in state alone, but the
		// computed attributes still need their current values.
		action = fmt.Sprintf("read bucket %q in project %q", in.Name, loc.ProjectID)
		b, err = r.pd.client.GetBucket(ctx, loc, in.Name)
	} else {
		b, err = r.pd.client.UpdateBucket(ctx, loc, in)
	}
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("Bucket Not Found",
			fmt.Sprintf("Bucket %q no longer exists in project %q. Run terraform apply again to re-create it.", in.Name, loc.ProjectID))
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Update Bucket", action, writeAccess, err)
		return
	}

	resp.Diagnostics.Append(plan.fromAPI(ctx, loc, b)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bucketResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	name := state.Name.ValueString()

	if !state.ForceDestroy.ValueBool() {
		r.refuseDeleteWithVersions(ctx, loc, name, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	err := r.pd.client.DeleteBucket(ctx, loc, name)
	if err != nil && !client.IsNotFound(err) {
		reportAPIError(&resp.Diagnostics, "Unable to Delete Bucket",
			fmt.Sprintf("delete bucket %q in project %q", name, loc.ProjectID), writeAccess, err)
	}
}

// refuseDeleteWithVersions reports an error when the bucket still holds
// versions, which deleting it without force_destroy would throw away.
func (r *bucketResource) refuseDeleteWithVersions(ctx context.Context, loc client.Location, name string, diags *diag.Diagnostics) {
	versions, err := r.pd.client.ListVersions(ctx, loc, name)
	if client.IsNotFound(err) {
		return
	}
	if err != nil {
		reportAPIError(diags, "Unable to Delete Bucket",
			fmt.Sprintf("list the versions of bucket %q in project %q", name, loc.ProjectID), writeAccess, err)
		return
	}
	if n := len(versions); n > 0 {
		diags.AddError("Bucket Still Holds Versions",
			fmt.Sprintf("Bucket %q in project %q holds %d %s; deleting the bucket would delete %s with all "+
				"builds, artifacts and channels. To delete it anyway, set force_destroy = true on the resource, "+
				"run terraform apply, then destroy again. Otherwise remove the resource from the configuration "+
				"with a removed block (or terraform state rm) to keep the bucket.",
				name, loc.ProjectID, n, plural(n, "version", "versions"), plural(n, "it", "them")))
	}
}

// bucketImportFormat is the import id format, quoted in errors and docs.
const bucketImportFormat = "packer/project/{project_id}/bucket/{bucket_name} or {bucket_name}"

func (r *bucketResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	project, name, ok := parseBucketImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected an import id of the form %s, got %q.", bucketImportFormat, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
	if project != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), project)...)
	}
}

// MoveState takes over the state of hashicorp/hcp's hcp_packer_bucket from a moved block.
func (r *bucketResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOfficial("hcp_packer_bucket", bucketFromOfficial)}
}

// parseBucketImportID accepts the official provider's resource-name form and
// a plain bucket name (in the provider's project).
func parseBucketImportID(id string) (project, name string, ok bool) {
	if !strings.Contains(id, "/") {
		return "", id, id != ""
	}
	parts := strings.Split(id, "/")
	if len(parts) != 5 || parts[0] != "packer" || parts[1] != "project" || parts[3] != "bucket" ||
		!uuidPattern.MatchString(parts[2]) || parts[4] == "" {
		return "", "", false
	}
	return parts[2], parts[4], true
}

// input is the API request for the planned bucket.
func (m bucketResourceModel) input(ctx context.Context) (client.BucketInput, diag.Diagnostics) {
	labels := map[string]string{}
	diags := m.Labels.ElementsAs(ctx, &labels, false)
	return client.BucketInput{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		Labels:      labels,
	}, diags
}

// fromAPI copies the bucket's API state into the model, leaving the
// Terraform-only force_destroy as it is (false after an import).
func (m *bucketResourceModel) fromAPI(ctx context.Context, loc client.Location, shared *client.Bucket) diag.Diagnostics {
	// The answer is shared with the operation's other readers, so the
	// location the API may leave out is filled in on a copy.
	located := *shared
	b := &located
	if b.ProjectID == "" {
		b.ProjectID = loc.ProjectID
	}
	if b.OrganizationID == "" {
		b.OrganizationID = loc.OrganizationID
	}
	labels, diags := types.MapValueFrom(ctx, types.StringType, nonNilLabels(b.Labels))

	m.ID = types.StringValue(b.ID)
	m.Name = types.StringValue(b.Name)
	m.Description = types.StringValue(b.Description)
	m.Labels = labels
	m.ProjectID = types.StringValue(b.ProjectID)
	m.OrganizationID = types.StringValue(b.OrganizationID)
	m.ResourceName = types.StringValue(b.ResourceName())
	m.LatestVersionFingerprint = types.StringNull()
	if b.LatestVersion != nil {
		m.LatestVersionFingerprint = types.StringValue(b.LatestVersion.Fingerprint)
	}
	m.CreatedAt = stateTime(b.CreatedAt)
	m.UpdatedAt = stateTime(b.UpdatedAt)
	if m.ForceDestroy.IsNull() || m.ForceDestroy.IsUnknown() {
		m.ForceDestroy = types.BoolValue(false)
	}
	return diags
}

func nonNilLabels(l map[string]string) map[string]string {
	if l == nil {
		return map[string]string{}
	}
	return l
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
