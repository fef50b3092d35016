package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithConfigure      = (*bucketIAMPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*bucketIAMPolicyResource)(nil)
	_ resource.ResourceWithImportState    = (*bucketIAMPolicyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*bucketIAMPolicyResource)(nil)
)

func newBucketIAMPolicyResource() resource.Resource { return &bucketIAMPolicyResource{} }

// bucketIAMPolicyResource owns a bucket's whole IAM policy: every binding
// not in policy_data is removed on apply.
type bucketIAMPolicyResource struct {
	pd *providerData
}

type bucketIAMPolicyModel struct {
	ID             types.String `tfsdk:"id"`
	BucketName     types.String `tfsdk:"bucket_name"`
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	ResourceName   types.String `tfsdk:"resource_name"`
	PolicyData     types.String `tfsdk:"policy_data"`
	Etag           types.String `tfsdk:"etag"`
}

// policyJSON is policy_data as the official provider and hcp_iam_policy
// write it: the API's policy without its etag.
type policyJSON struct {
	Bindings []bindingJSON `json:"bindings"`
	Etag     string        `json:"etag,omitempty"`
}

// bindingJSON's fields are in jsonencode's (alphabetical) order, so the
// policy_data Read writes equals what a jsonencode configuration gives.
type bindingJSON struct {
	Members []memberJSON `json:"members"`
	RoleID  string       `json:"role_id"`
}

type memberJSON struct {
	MemberID   string `json:"member_id"`
	MemberType string `json:"member_type,omitempty"`
}

func (r *bucketIAMPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_iam_policy"
}

func (r *bucketIAMPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The whole IAM policy of a bucket, authoritatively: applying it removes every binding " +
			"`policy_data` does not list, and destroying it removes every binding. Changing it needs the admin role.\n\n" +
			"It never silently removes a binding it did not set; each refusal names the role and principal of every " +
			"such binding. Creating the policy over a bucket that already has bindings `policy_data` lacks fails at " +
			"plan time: add them to `policy_data` to keep them, or remove them first. A later plan fails if bindings " +
			"appeared since the policy's last apply. During an apply, the policy is planned again and read again right " +
			"before it is written, so a binding that appeared meanwhile (an `hcppacker_bucket_iam_binding` applied " +
			"earlier in the same run) fails that apply and nothing is written. A policy imported or moved from " +
			"`hcp_packer_bucket_iam_policy` owns every binding the bucket had then.\n\n" +
			"Do not also manage the bucket with `hcppacker_bucket_iam_binding`: whichever Terraform applies first, " +
			"the apply or the next plan fails, naming the binding.",
		Attributes: withBucketLocation("resource", "hcp_packer_bucket_iam_policy", map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The bucket's HCP resource name.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket_name": schema.StringAttribute{
				Required:            true,
				Validators:          nameValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The bucket whose policy this is. Changing it replaces the resource.",
			},
			"policy_data": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The policy as JSON: `{\"bindings\": [{\"role_id\": \"roles/viewer\", \"members\": " +
					"[{\"member_id\": \"<principal id>\", \"member_type\": \"SERVICE_PRINCIPAL\"}]}]}`, for example from " +
					"`jsonencode`. Roles are `roles/viewer`, `roles/contributor` or `roles/admin`; `member_type` defaults " +
					"to `SERVICE_PRINCIPAL`. Order does not matter; an `etag` in it is ignored.",
			},
			"etag": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The version of the policy as last read or written.",
			},
		}),
	}
}

func (r *bucketIAMPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *bucketIAMPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var data types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("policy_data"), &data)...)
	if data.IsNull() || data.IsUnknown() {
		return
	}
	if _, err := parsePolicyData(data.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("policy_data"), "Invalid Policy Data", err.Error())
	}
}

// ModifyPlan plans the location and refuses a plan that would remove
// bindings this resource did not set: for a new policy, those the bucket
// already has; for a change, those which appeared since this resource last
// wrote the policy, as those of hcppacker_bucket_iam_binding resources do,
// which the policy and the bindings would undo on every apply.
func (r *bucketIAMPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planLocation(ctx, r.pd, req, resp)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan, state bucketIAMPolicyModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || plan.PolicyData.IsUnknown() || plan.BucketName.IsUnknown() || plan.ProjectID.IsUnknown() {
		return
	}
	want, err := parsePolicyData(plan.PolicyData.ValueString())
	if err != nil {
		return // ValidateConfig reports it
	}
	if req.State.Raw.IsNull() || !plan.BucketName.Equal(state.BucketName) || !plan.ProjectID.Equal(state.ProjectID) {
		r.checkNewPolicy(ctx, plan, want, &resp.Diagnostics)
		return
	}
	written, diags := req.Private.GetKey(ctx, writtenPolicyKey)
	resp.Diagnostics.Append(diags...)
	mine, ok := writtenPolicy(written)
	have, err := parsePolicyData(state.PolicyData.ValueString())
	if !ok || err != nil {
		return
	}
	if extra := removedOthers(want, mine, have); len(extra) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("policy_data"), policyConflictSummary, policyConflict(plan.BucketName.ValueString(), extra))
	}
}

// checkNewPolicy refuses a new policy that would remove bindings the
// bucket already has. A bucket that does not exist yet has none.
func (r *bucketIAMPolicyResource) checkNewPolicy(ctx context.Context, plan bucketIAMPolicyModel, want client.IAMPolicy, diags *diag.Diagnostics) {
	loc, ok := r.pd.location(ctx, plan.ProjectID, diags)
	if !ok {
		return
	}
	have, err := r.pd.client.GetBucketIAMPolicy(ctx, loc, plan.BucketName.ValueString())
	if client.IsNotFound(err) {
		return
	}
	if err != nil {
		reportAPIError(diags, "Unable to Read Bucket IAM Policy", plan.action("read", loc), readAccess, err)
		return
	}
	if extra := removedOthers(want, client.IAMPolicy{}, *have); len(extra) > 0 {
		diags.AddAttributeError(path.Root("policy_data"), policyConflictSummary, policyConflict(plan.BucketName.ValueString(), extra))
	}
}

const policyConflictSummary = "Bucket IAM Policy Conflicts With Other Bindings"

// policyConflict says which bindings a policy would remove that it did not
// set (extra, from removedOthers), and what to do about them.
func policyConflict(bucket string, extra []string) string {
	return fmt.Sprintf("Bucket %q has bindings its hcppacker_bucket_iam_policy did not set: %s. If "+
		"hcppacker_bucket_iam_binding resources manage them, the policy and the bindings undo each other on every "+
		"apply: move those bindings into policy_data and remove the binding resources, or remove the policy "+
		"resource. If they were added outside Terraform, add them to policy_data to keep them, or remove them "+
		"in HCP first to drop them.", bucket, strings.Join(extra, ", "))
}

// writtenPolicyKey is the private state key of the policy this resource
// last wrote, which tells bindings added by others from its own.
const writtenPolicyKey = "written_policy"

// writtenPolicy reads the private state of writtenPolicyKey. ok is false
// for a policy imported or moved from hashicorp/hcp, which has written
// nothing yet: every binding the bucket had then counts as its own.
func writtenPolicy(data []byte) (client.IAMPolicy, bool) {
	if data == nil {
		return client.IAMPolicy{}, false
	}
	p, err := parsePolicyData(string(data))
	return p, err == nil
}

func (r *bucketIAMPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	// Nothing on the bucket is this new policy's own.
	if data, ok := r.write(ctx, req.Plan.Get, &resp.State, &client.IAMPolicy{}, "Unable to Create Bucket IAM Policy", &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, writtenPolicyKey, []byte(data))...)
	}
}

func (r *bucketIAMPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	written, diags := req.Private.GetKey(ctx, writtenPolicyKey)
	resp.Diagnostics.Append(diags...)
	var mine *client.IAMPolicy
	if p, ok := writtenPolicy(written); ok {
		mine = &p
	}
	if data, ok := r.write(ctx, req.Plan.Get, &resp.State, mine, "Unable to Update Bucket IAM Policy", &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, writtenPolicyKey, []byte(data))...)
	}
}

// write makes the bucket's policy the planned one, reading it right before
// writing, and returns the policy_data written as the bucket now has it.
// Unless mine (what this resource last wrote) is nil, it writes nothing
// when that would remove a binding neither mine nor the plan holds, one that
// appeared after the plan (a binding resource applied earlier in the same
// run), and says so.
func (r *bucketIAMPolicyResource) write(ctx context.Context, get func(context.Context, any) diag.Diagnostics,
	state interface {
		Set(context.Context, any) diag.Diagnostics
	}, mine *client.IAMPolicy, summary string, diags *diag.Diagnostics,
) (string, bool) {
	var plan bucketIAMPolicyModel
	diags.Append(get(ctx, &plan)...)
	if diags.HasError() {
		return "", false
	}
	want, err := parsePolicyData(plan.PolicyData.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("policy_data"), "Invalid Policy Data", err.Error())
		return "", false
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, diags)
	if !ok {
		return "", false
	}
	var extra []string
	set, err := client.ModifyBucketIAMPolicy(ctx, r.pd.client, loc, plan.BucketName.ValueString(),
		func(current client.IAMPolicy) (client.IAMPolicy, bool) {
			if mine != nil {
				if extra = removedOthers(want, *mine, current); len(extra) > 0 {
					return current, false
				}
			}
			return want, !samePolicy(current, want)
		})
	if err != nil {
		reportAPIError(diags, summary, plan.action("set", loc), adminAccess, err)
		return "", false
	}
	if len(extra) > 0 {
		diags.AddAttributeError(path.Root("policy_data"), policyConflictSummary, fmt.Sprintf("The IAM policy of "+
			"bucket %q was not written, so no binding was removed: bindings appeared after the plan. %s",
			plan.BucketName.ValueString(), policyConflict(plan.BucketName.ValueString(), extra)))
		return "", false
	}
	plan.fromLocation(loc)
	plan.Etag = types.StringValue(set.Etag)
	diags.Append(state.Set(ctx, &plan)...)
	return policyDataOf(*set), !diags.HasError()
}

// Read keeps policy_data as written while the bucket's policy means the
// same, so the next plan is empty; any other policy shows as a change.
func (r *bucketIAMPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketIAMPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	policy, err := r.pd.client.GetBucketIAMPolicy(ctx, loc, state.BucketName.ValueString())
	if client.IsNotFound(err) {
		warnGone(ctx, "bucket IAM policy", map[string]any{"project_id": loc.ProjectID, "bucket_name": state.BucketName.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read Bucket IAM Policy", state.action("read", loc), readAccess, err)
		return
	}
	prior, err := parsePolicyData(state.PolicyData.ValueString())
	if err != nil || !samePolicy(prior, *policy) {
		state.PolicyData = types.StringValue(policyDataOf(*policy))
	}
	state.fromLocation(loc)
	state.Etag = types.StringValue(policy.Etag)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete removes every binding of the bucket; a bucket already gone took
// its policy with it.
func (r *bucketIAMPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketIAMPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	_, err := client.ModifyBucketIAMPolicy(ctx, r.pd.client, loc, state.BucketName.ValueString(),
		func(current client.IAMPolicy) (client.IAMPolicy, bool) {
			return client.IAMPolicy{}, len(current.Bindings) > 0
		})
	if err != nil && !client.IsNotFound(err) {
		reportAPIError(&resp.Diagnostics, "Unable to Delete Bucket IAM Policy", state.action("empty", loc), adminAccess, err)
		return
	}
	tflog.Info(ctx, "removed every binding of the bucket's IAM policy",
		map[string]any{"project_id": loc.ProjectID, "bucket_name": state.BucketName.ValueString()})
}

// ImportState takes "{bucket}", "{project_id}:{bucket}" or the bucket's
// resource name, the official resource's import id.
func (r *bucketIAMPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	project, bucket, ok := splitPolicyImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Expected {bucket_name}, {project_id}:{bucket_name} "+
			"or packer/project/{project_id}/bucket/{bucket_name} (project_id %s), got %q.", uuidRule, req.ID))
		return
	}
	if project != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), project)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket_name"), bucket)...)
	// Read compares with the prior policy_data; an empty policy makes it
	// write the bucket's own.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("policy_data"), "")...)
}

func splitPolicyImportID(id string) (project, bucket string, ok bool) {
	if rest, found := strings.CutPrefix(id, "packer/project/"); found {
		project, bucket, found = strings.Cut(rest, "/bucket/")
		return project, bucket, found && uuidPattern.MatchString(project) && slugPattern.MatchString(bucket)
	}
	if project, bucket, found := strings.Cut(id, ":"); found {
		return project, bucket, uuidPattern.MatchString(project) && slugPattern.MatchString(bucket)
	}
	return "", id, slugPattern.MatchString(id)
}

func (m *bucketIAMPolicyModel) action(verb string, loc client.Location) string {
	return fmt.Sprintf("%s the IAM policy of bucket %q in project %q", verb, m.BucketName.ValueString(), loc.ProjectID)
}

func (m *bucketIAMPolicyModel) fromLocation(loc client.Location) {
	name := client.Bucket{Name: m.BucketName.ValueString(), ProjectID: loc.ProjectID}.ResourceName()
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.ResourceName = types.StringValue(name)
	m.ID = types.StringValue(name)
}

// parsePolicyData reads policy_data, refusing what no bucket accepts.
func parsePolicyData(data string) (client.IAMPolicy, error) {
	var in policyJSON
	if err := json.Unmarshal([]byte(data), &in); err != nil {
		return client.IAMPolicy{}, fmt.Errorf("policy_data is not a policy in JSON: %s. Write it with jsonencode, as "+
			`{"bindings": [{"role_id": "roles/viewer", "members": [{"member_id": "<principal id>"}]}]}`, err)
	}
	var out client.IAMPolicy
	for i, b := range in.Bindings {
		if !isBucketRole(b.RoleID) {
			return client.IAMPolicy{}, fmt.Errorf("bindings[%d].role_id %q is not a bucket role: use one of %s",
				i, b.RoleID, strings.Join(bucketRoles, ", "))
		}
		binding := client.IAMBinding{Role: b.RoleID}
		for j, m := range b.Members {
			if !principalIDPattern.MatchString(m.MemberID) {
				return client.IAMPolicy{}, fmt.Errorf("bindings[%d].members[%d].member_id %q is not a principal id", i, j, m.MemberID)
			}
			memberType := m.MemberType
			if memberType == "" || memberType == "UNSET" {
				memberType = client.MemberTypeServicePrincipal
			}
			binding.Members = append(binding.Members, client.IAMMember{ID: m.MemberID, Type: memberType})
		}
		out.Bindings = append(out.Bindings, binding)
	}
	return out, nil
}

// grants is a policy as its role → member → type pairs, what two policies
// must share to mean the same.
func grants(p client.IAMPolicy) map[string]string {
	out := map[string]string{}
	for _, b := range p.Bindings {
		for _, m := range b.Members {
			t := m.Type
			if t == "" || t == "UNSET" {
				t = client.MemberTypeServicePrincipal
			}
			out[b.Role+" "+m.ID] = t
		}
	}
	return out
}

func samePolicy(a, b client.IAMPolicy) bool {
	ga, gb := grants(a), grants(b)
	if len(ga) != len(gb) {
		return false
	}
	for k, v := range ga {
		if gb[k] != v {
			return false
		}
	}
	return true
}

// removedOthers lists, as "role → principal", the grants of have that
// want would remove although mine, what this resource last wrote, lacks
// them: those someone else added.
func removedOthers(want, mine, have client.IAMPolicy) []string {
	w, m := grants(want), grants(mine)
	var out []string
	for k := range grants(have) {
		_, wanted := w[k]
		_, own := m[k]
		if !wanted && !own {
			role, id, _ := strings.Cut(k, " ")
			out = append(out, fmt.Sprintf("%s → %q", role, id))
		}
	}
	sort.Strings(out)
	return out
}

// policyDataOf writes a policy as policy_data: roles and members in order,
// no etag.
func policyDataOf(p client.IAMPolicy) string {
	out := policyJSON{Bindings: []bindingJSON{}}
	for _, b := range p.Bindings {
		binding := bindingJSON{RoleID: b.Role, Members: []memberJSON{}}
		for _, m := range b.Members {
			binding.Members = append(binding.Members, memberJSON{MemberID: m.ID, MemberType: m.Type})
		}
		slices.SortFunc(binding.Members, func(x, y memberJSON) int { return strings.Compare(x.MemberID, y.MemberID) })
		out.Bindings = append(out.Bindings, binding)
	}
	slices.SortFunc(out.Bindings, func(x, y bindingJSON) int { return strings.Compare(x.RoleID, y.RoleID) })
	data, _ := json.Marshal(out)
	return string(data)
}
