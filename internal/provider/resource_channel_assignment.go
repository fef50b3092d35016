package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = (*channelAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*channelAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*channelAssignmentResource)(nil)
	_ resource.ResourceWithMoveState   = (*channelAssignmentResource)(nil)
)

// unassignedFingerprint is the version_fingerprint that means "no version";
// the API itself takes an empty fingerprint for it.
const unassignedFingerprint = "none"

func newChannelAssignmentResource() resource.Resource { return &channelAssignmentResource{} }

// channelAssignmentResource manages which version a channel points at.
type channelAssignmentResource struct {
	pd *providerData
}

type channelAssignmentResourceModel struct {
	ID                 types.String `tfsdk:"id"`
	BucketName         types.String `tfsdk:"bucket_name"`
	ChannelName        types.String `tfsdk:"channel_name"`
	VersionFingerprint types.String `tfsdk:"version_fingerprint"`
	VersionName        types.String `tfsdk:"version_name"`
	ProjectID          types.String `tfsdk:"project_id"`
	OrganizationID     types.String `tfsdk:"organization_id"`
}

func (r *channelAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_channel_assignment"
}

func (r *channelAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns a version to a channel of an HCP Packer bucket, so that deployments reading the " +
			"channel get that version's artifacts.\n\n" +
			"Plans check, when the values are known, that the version exists and is complete, and that the channel " +
			"is not the managed `latest`. A revoked version is refused at apply, but only warned about at plan " +
			"time: the same apply may restore it first (destroy its `hcppacker_version_revocation`, which must then " +
			"depend on this assignment). A revocation scheduled for later is allowed, with a warning. If HCP Packer " +
			"rolls the channel back after a revocation, the next plan shows the drift.\n\n" +
			"Unlike the official provider, creating the resource takes over a channel that already has a version: " +
			"the channel is re-pointed at `version_fingerprint` without an import. Destroying the resource " +
			"unassigns the channel and keeps it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ULID of the channel.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket_name": schema.StringAttribute{
				Required:            true,
				Validators:          nameValidators(),
				MarkdownDescription: "The bucket of the channel. Changing it replaces the assignment.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"channel_name": schema.StringAttribute{
				Required:   true,
				Validators: append(nameValidators(), notManagedChannel()),
				MarkdownDescription: "The channel to assign. It must exist (see `hcppacker_channel`) and must not be " +
					"`latest`, which HCP Packer manages. Changing it replaces the assignment (unassigning the old channel).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"version_fingerprint": schema.StringAttribute{
				Required:   true,
				Validators: fingerprintValidators(),
				MarkdownDescription: "The fingerprint of the version to assign, or `\"none\"` to leave the channel " +
					"unassigned. The version must be complete and not revoked. Updated in place.",
			},
			"version_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The incremental name (`v1`, `v2`, …) of the assigned version; null when " +
					"`version_fingerprint` is `\"none\"`.",
			},
			"project_id": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				Validators: projectIDValidators(),
				MarkdownDescription: "The HCP project (a UUID) of the bucket. Defaults to the provider's project. " +
					"Changing it, or the provider's default when it is unset, replaces the assignment.",
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
		},
	}
}

func (r *channelAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *channelAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planLocation(ctx, r.pd, req, resp)
	if r.pd == nil || req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan channelAssignmentResourceModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.BucketName.IsUnknown() || plan.VersionFingerprint.IsUnknown() ||
		plan.ChannelName.IsUnknown() || plan.ProjectID.IsUnknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state channelAssignmentResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if state.VersionFingerprint.Equal(plan.VersionFingerprint) && state.BucketName.Equal(plan.BucketName) &&
			state.ChannelName.Equal(plan.ChannelName) && state.ProjectID.Equal(plan.ProjectID) {
			// Nothing changes, so there is nothing to refuse: the
			// registry rolls a channel off a version once it is revoked
			// (unless that revocation disabled rollback, which was its
			// author's choice, not this plan's).
			return
		}
	}

	fp := plan.VersionFingerprint.ValueString()
	if fp == unassignedFingerprint {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version_name"), types.StringNull())...)
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	v, ok := r.assignableVersion(ctx, loc, plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if v.Revoked(r.pd.now()) {
		resp.Diagnostics.AddAttributeWarning(path.Root("version_fingerprint"), "Version Revoked",
			fmt.Sprintf("%s Assigning it to channel %q works only if this apply restores it first: the configuration "+
				"no longer declares its hcppacker_version_revocation, and that revocation depends on this assignment "+
				"(as in the golden-image pipeline example), so Terraform destroys it before updating the channel. "+
				"Otherwise the apply stops at this assignment: assign another version instead (the fixed one, or "+
				"the one to roll back to).", revokedSentence(v, plan.BucketName.ValueString()), plan.ChannelName.ValueString()))
	}
	if v.RevocationScheduled(r.pd.now()) {
		resp.Diagnostics.AddAttributeWarning(path.Root("version_fingerprint"), "Version Revocation Scheduled",
			fmt.Sprintf("%s is scheduled to be revoked at %s. Once it is, HCP Packer "+
				"rolls channel %q back to its previous valid version and the next plan shows that drift.",
				versionPhrase(v, plan.BucketName.ValueString()), revocationDetails(v), plan.ChannelName.ValueString()))
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version_name"), v.Name)...)
}

func (r *channelAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan channelAssignmentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.assign(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *channelAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state channelAssignmentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, channel := state.BucketName.ValueString(), state.ChannelName.ValueString()

	ch, err := r.pd.client.GetChannel(ctx, loc, bucket, channel)
	if client.IsNotFound(err) {
		// The channel (or its bucket) is gone, and the assignment with it;
		// the next plan re-creates it once the channel exists again.
		warnGone(ctx, "channel assignment", map[string]any{"bucket": bucket, "channel": channel, "project_id": loc.ProjectID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read Channel Assignment",
			fmt.Sprintf("read channel %q in bucket %q of project %q", channel, bucket, loc.ProjectID), readAccess, err)
		return
	}

	state.fromAPI(loc, ch)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *channelAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan channelAssignmentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.assign(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *channelAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state channelAssignmentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, channel := state.BucketName.ValueString(), state.ChannelName.ValueString()

	none := ""
	_, err := r.pd.client.UpdateChannel(ctx, loc, bucket, channel, client.ChannelUpdate{VersionFingerprint: &none})
	if err != nil && !client.IsNotFound(err) {
		reportAPIError(&resp.Diagnostics, "Unable to Unassign Channel",
			fmt.Sprintf("unassign channel %q in bucket %q of project %q", channel, bucket, loc.ProjectID), writeAccess, err)
	}
}

func (r *channelAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	project, bucket, name, ok := splitImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected an import id of the form %s, got %q.", channelImportFormat, req.ID))
		return
	}
	checkNotManagedChannel(path.Root("channel_name"), name, bucket, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket_name"), bucket)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("channel_name"), name)...)
	if project != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), project)...)
	}
}

// MoveState takes over the state of hashicorp/hcp's hcp_packer_channel_assignment from a moved block.
func (r *channelAssignmentResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOfficial("hcp_packer_channel_assignment", channelAssignmentFromOfficial)}
}

// assign points the planned channel at the planned version and records the
// result in plan.
func (r *channelAssignmentResource) assign(ctx context.Context, plan *channelAssignmentResourceModel, diags *diag.Diagnostics) {
	loc, ok := r.pd.location(ctx, plan.ProjectID, diags)
	if !ok {
		return
	}
	bucket, channel := plan.BucketName.ValueString(), plan.ChannelName.ValueString()
	fp := plan.VersionFingerprint.ValueString()
	send := fp
	if fp == unassignedFingerprint {
		send = ""
	}

	ch, err := r.pd.client.UpdateChannel(ctx, loc, bucket, channel, client.ChannelUpdate{VersionFingerprint: &send})
	if err != nil {
		r.explainAssignError(ctx, loc, *plan, err, diags)
		return
	}
	plan.fromAPI(loc, ch)
}

// explainAssignError finds out why the registry refused an assignment, so
// the user reads which object is at fault rather than a bare API message.
func (r *channelAssignmentResource) explainAssignError(ctx context.Context, loc client.Location, plan channelAssignmentResourceModel, err error, diags *diag.Diagnostics) {
	bucket, channel := plan.BucketName.ValueString(), plan.ChannelName.ValueString()
	fp := plan.VersionFingerprint.ValueString()
	action := fmt.Sprintf("assign version %q to channel %q in bucket %q of project %q", fp, channel, bucket, loc.ProjectID)

	if !client.IsNotFound(err) && !client.IsFailedPrecondition(err) {
		reportAPIError(diags, "Unable to Assign Version", action, writeAccess, err)
		return
	}
	if _, cerr := r.pd.client.GetChannel(ctx, loc, bucket, channel); client.IsNotFound(cerr) {
		diags.AddAttributeError(path.Root("channel_name"), "Channel Not Found",
			fmt.Sprintf("Channel %q does not exist in bucket %q of project %q. Create it with hcppacker_channel and "+
				"refer to it (channel_name = hcppacker_channel.<name>.name) so Terraform creates it first.",
				channel, bucket, loc.ProjectID))
		return
	}
	if fp != unassignedFingerprint {
		var checks diag.Diagnostics
		v, ok := r.assignableVersion(ctx, loc, plan, &checks)
		if !ok {
			diags.Append(checks...)
			return
		}
		if v.Revoked(r.pd.now()) {
			diags.AddAttributeError(path.Root("version_fingerprint"), "Version Revoked",
				fmt.Sprintf("%s, so it cannot be assigned to channel %q. Assign another version (the fixed one, or "+
					"the one to roll back to). To restore this version instead, remove its hcppacker_version_revocation "+
					"from the configuration and make that revocation depend on this assignment (depends_on), so one "+
					"apply restores the version before assigning it; or restore it in HCP Packer.",
					strings.TrimSuffix(revokedSentence(v, bucket), "."), channel))
			return
		}
	}
	reportAPIError(diags, "Unable to Assign Version", action, writeAccess, err)
}

// assignableVersion fetches the planned version and reports, as an error on
// version_fingerprint, why it cannot be assigned: missing or incomplete.
// Whether it is revoked is for the caller to judge: at plan time the same
// apply may restore it.
func (r *channelAssignmentResource) assignableVersion(ctx context.Context, loc client.Location, plan channelAssignmentResourceModel, diags *diag.Diagnostics) (*client.Version, bool) {
	bucket, channel := plan.BucketName.ValueString(), plan.ChannelName.ValueString()
	fp := plan.VersionFingerprint.ValueString()

	v, err := r.pd.client.GetVersion(ctx, loc, bucket, fp)
	if client.IsNotFound(err) {
		addLookupError(diags, versionNotFound(loc.ProjectID, bucket, fp,
			fmt.Sprintf(", so it cannot be assigned to channel %q", channel), "version_fingerprint"))
		return nil, false
	}
	if err != nil {
		reportAPIError(diags, "Unable to Check Version",
			fmt.Sprintf("read version %q of bucket %q in project %q", fp, bucket, loc.ProjectID), writeAccess, err)
		return nil, false
	}
	if !v.Complete() {
		addLookupError(diags, versionNotComplete(versionPhrase(v, bucket), v,
			fmt.Sprintf("; only a complete version can be assigned to channel %q", channel), "assign another version", "version_fingerprint"))
		return nil, false
	}
	return v, true
}

// revokedSentence says which version was revoked, when and why.
func revokedSentence(v *client.Version, bucket string) string {
	return fmt.Sprintf("%s was revoked at %s.", versionPhrase(v, bucket), revocationDetails(v))
}

// fromAPI copies the channel's assignment into the model.
func (m *channelAssignmentResourceModel) fromAPI(loc client.Location, ch *client.Channel) {
	m.ID = types.StringValue(ch.ID)
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	if ch.Version == nil {
		m.VersionFingerprint = types.StringValue(unassignedFingerprint)
		m.VersionName = types.StringNull()
		return
	}
	m.VersionFingerprint = types.StringValue(ch.Version.Fingerprint)
	m.VersionName = types.StringValue(ch.Version.Name)
}
