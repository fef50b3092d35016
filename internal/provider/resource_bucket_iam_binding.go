package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = (*bucketIAMBindingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*bucketIAMBindingResource)(nil)
	_ resource.ResourceWithImportState = (*bucketIAMBindingResource)(nil)
)

// bucketRoles are the roles a bucket's IAM policy may grant (CONTRACT.md
// §2.3): HCP's basic roles below owner.
var bucketRoles = []string{"roles/viewer", "roles/contributor", "roles/admin"}

// principalIDPattern is all the provider can check of a principal id before
// HCP does: it is a single word. HCP refuses an unknown principal.
var principalIDPattern = regexp.MustCompile(`^[^\s]+$`)

func newBucketIAMBindingResource() resource.Resource { return &bucketIAMBindingResource{} }

// bucketIAMBindingResource grants one principal one role on one bucket,
// non-authoritatively: the bucket's other bindings stay as they are.
type bucketIAMBindingResource struct {
	pd *providerData
}

type bucketIAMBindingModel struct {
	ID             types.String `tfsdk:"id"`
	BucketName     types.String `tfsdk:"bucket_name"`
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	ResourceName   types.String `tfsdk:"resource_name"`
	Role           types.String `tfsdk:"role"`
	PrincipalID    types.String `tfsdk:"principal_id"`
}

func (r *bucketIAMBindingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_iam_binding"
}

func (r *bucketIAMBindingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants one principal one role on one bucket, leaving the bucket's other IAM bindings " +
			"alone. Changing the policy needs the admin role. A binding removed outside Terraform is planned to be " +
			"created again. Do not manage a bucket with both this resource and `hcppacker_bucket_iam_policy`: the " +
			"policy owns the whole policy, and its plans fail naming the bindings it did not set.",
		Attributes: withBucketLocation("binding", "hcp_packer_bucket_iam_binding", map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`{project_id}:{bucket_name}:{role}:{principal_id}`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket_name": schema.StringAttribute{
				Required:            true,
				Validators:          nameValidators(),
				PlanModifiers:       replace,
				MarkdownDescription: "The bucket the role is granted on. Changing it replaces the binding.",
			},
			"role": schema.StringAttribute{
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(bucketRoles...)},
				PlanModifiers: replace,
				MarkdownDescription: "The role granted: `roles/viewer`, `roles/contributor` or `roles/admin`. " +
					"Changing it replaces the binding.",
			},
			"principal_id": schema.StringAttribute{
				Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(principalIDPattern,
					"must be the id of an HCP principal, such as a service principal's resource_id, without spaces")},
				MarkdownDescription: "The id of the principal granted the role, looked up at plan time: a service principal " +
					"(`hcp_service_principal`'s `resource_id`), a user or a group. Changing it replaces the binding.",
				PlanModifiers: replace,
			},
		}),
	}
}

func (r *bucketIAMBindingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans the location and, for a new binding, looks the principal
// up, so an unknown id fails the plan instead of the apply.
func (r *bucketIAMBindingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planLocation(ctx, r.pd, req, resp)
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan bucketIAMBindingModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.PrincipalID.IsUnknown() || plan.ProjectID.IsUnknown() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if ok {
		r.memberType(ctx, loc, plan.PrincipalID.ValueString(), &resp.Diagnostics)
	}
}

// memberType looks the principal up and returns its binding member type.
func (r *bucketIAMBindingResource) memberType(ctx context.Context, loc client.Location, principal string, diags *diag.Diagnostics) (string, bool) {
	found, err := r.pd.client.PrincipalMemberTypes(ctx, loc, []string{principal})
	if client.IsNotFound(err) || client.CodeOf(err) == codes.InvalidArgument {
		diags.AddAttributeError(path.Root("principal_id"), "Principal Not Found",
			fmt.Sprintf("Principal %q cannot be bound: %s. Use the id of a service principal, user or group of "+
				"organization %q (for a service principal, hcp_service_principal's resource_id).",
				principal, strings.TrimSuffix(client.MessageOf(err), "."), loc.OrganizationID))
		return "", false
	}
	if err != nil {
		reportAPIError(diags, "Unable to Look Up Principal",
			fmt.Sprintf("look up principal %q in organization %q", principal, loc.OrganizationID), readAccess, err)
		return "", false
	}
	return found[principal], true
}

func (r *bucketIAMBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bucketIAMBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	role, principal := plan.Role.ValueString(), plan.PrincipalID.ValueString()
	memberType, ok := r.memberType(ctx, loc, principal, &resp.Diagnostics)
	if !ok {
		return
	}
	_, err := client.ModifyBucketIAMPolicy(ctx, r.pd.client, loc, plan.BucketName.ValueString(),
		func(p client.IAMPolicy) (client.IAMPolicy, bool) {
			return p.WithMember(role, client.IAMMember{ID: principal, Type: memberType})
		})
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Create Bucket IAM Binding", plan.action("grant", loc), adminAccess, err)
		return
	}
	plan.fromLocation(loc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read drops the binding from state when the bucket or the binding is gone,
// so the next plan creates it again.
func (r *bucketIAMBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketIAMBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	policy, err := r.pd.client.GetBucketIAMPolicy(ctx, loc, state.BucketName.ValueString())
	if err != nil && !client.IsNotFound(err) {
		reportAPIError(&resp.Diagnostics, "Unable to Read Bucket IAM Binding", state.action("read", loc), readAccess, err)
		return
	}
	if err != nil || !policy.HasMember(state.Role.ValueString(), state.PrincipalID.ValueString()) {
		warnGone(ctx, "bucket IAM binding", state.fields(loc))
		resp.State.RemoveResource(ctx)
		return
	}
	state.fromLocation(loc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called: every argument replaces the binding.
func (r *bucketIAMBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan bucketIAMBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete removes this principal from this role only; a bucket already gone
// took its policy with it.
func (r *bucketIAMBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketIAMBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	role, principal := state.Role.ValueString(), state.PrincipalID.ValueString()
	_, err := client.ModifyBucketIAMPolicy(ctx, r.pd.client, loc, state.BucketName.ValueString(),
		func(p client.IAMPolicy) (client.IAMPolicy, bool) { return p.WithoutMember(role, principal) })
	if err != nil && !client.IsNotFound(err) {
		reportAPIError(&resp.Diagnostics, "Unable to Delete Bucket IAM Binding", state.action("revoke", loc), adminAccess, err)
		return
	}
	tflog.Info(ctx, "removed bucket IAM binding", state.fields(loc))
}

// ImportState takes "{bucket}:{role}:{principal}" or
// "{project_id}:{bucket}:{role}:{principal}"; the principal is the rest of
// the id, so an id with colons of its own still imports.
func (r *bucketIAMBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	project, bucket, role, principal, ok := splitBindingImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Expected {bucket_name}:{role}:{principal_id} or "+
			"{project_id}:{bucket_name}:{role}:{principal_id} (project_id %s, role one of %s), got %q.",
			uuidRule, strings.Join(bucketRoles, ", "), req.ID))
		return
	}
	if project != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), project)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket_name"), bucket)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("role"), role)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("principal_id"), principal)...)
}

// splitBindingImportID splits a binding's import id; the role is how it
// tells the two forms apart, as no bucket name or project id starts with
// "roles/".
func splitBindingImportID(id string) (project, bucket, role, principal string, ok bool) {
	parts := strings.SplitN(id, ":", 4)
	if len(parts) >= 3 && strings.HasPrefix(parts[1], "roles/") {
		parts = strings.SplitN(id, ":", 3)
	} else if len(parts) == 4 && uuidPattern.MatchString(parts[0]) {
		project, parts = parts[0], parts[1:]
	} else {
		return "", "", "", "", false
	}
	bucket, role, principal = parts[0], parts[1], parts[2]
	if bucket == "" || principal == "" || !isBucketRole(role) {
		return "", "", "", "", false
	}
	return project, bucket, role, principal, true
}

func isBucketRole(role string) bool { return slices.Contains(bucketRoles, role) }

// action names the change in diagnostics: verb is "grant", "read" or "revoke".
func (m *bucketIAMBindingModel) action(verb string, loc client.Location) string {
	return fmt.Sprintf("%s role %q of principal %q on bucket %q in project %q", verb, m.Role.ValueString(),
		m.PrincipalID.ValueString(), m.BucketName.ValueString(), loc.ProjectID)
}

func (m *bucketIAMBindingModel) fields(loc client.Location) map[string]any {
	return map[string]any{"project_id": loc.ProjectID, "bucket_name": m.BucketName.ValueString(),
		"role": m.Role.ValueString(), "principal_id": m.PrincipalID.ValueString()}
}

// fromLocation fills the computed attributes.
func (m *bucketIAMBindingModel) fromLocation(loc client.Location) {
	bucket := m.BucketName.ValueString()
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.ResourceName = types.StringValue(client.Bucket{Name: bucket, ProjectID: loc.ProjectID}.ResourceName())
	m.ID = types.StringValue(strings.Join([]string{loc.ProjectID, bucket, m.Role.ValueString(), m.PrincipalID.ValueString()}, ":"))
}

// withBucketLocation adds to attrs the attributes that place a bucket IAM
// resource: project_id, organization_id and the bucket's resource_name,
// which the official resource (official) is configured with. noun is what
// a change of project replaces.
func withBucketLocation(noun, official string, attrs map[string]schema.Attribute) map[string]schema.Attribute {
	attrs["project_id"] = schema.StringAttribute{
		Optional:   true,
		Computed:   true,
		Validators: projectIDValidators(),
		MarkdownDescription: "The HCP project (a UUID) of the bucket. Defaults to the provider's project. " +
			"Changing it, or the provider's default when it is unset, replaces the " + noun + ".",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
	}
	attrs["organization_id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "The HCP organization of the project.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["resource_name"] = schema.StringAttribute{
		Computed: true,
		MarkdownDescription: "The bucket's HCP resource name, `packer/project/{project_id}/bucket/{bucket_name}`, " +
			"the attribute the official `" + official + "` is configured with.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	return attrs
}
