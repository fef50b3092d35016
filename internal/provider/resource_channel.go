package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = (*channelResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*channelResource)(nil)
	_ resource.ResourceWithImportState = (*channelResource)(nil)
	_ resource.ResourceWithMoveState   = (*channelResource)(nil)
)

func newChannelResource() resource.Resource { return &channelResource{} }

// channelResource manages a channel of an HCP Packer bucket. Which version
// the channel points at belongs to hcppacker_channel_assignment, so that the
// channel and its assignment can change independently.
type channelResource struct {
	pd *providerData
}

type channelResourceModel struct {
	ID             types.String `tfsdk:"id"`
	BucketName     types.String `tfsdk:"bucket_name"`
	Name           types.String `tfsdk:"name"`
	Restricted     types.Bool   `tfsdk:"restricted"`
	ProjectID      types.String `tfsdk:"project_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Managed        types.Bool   `tfsdk:"managed"`
	AuthorID       types.String `tfsdk:"author_id"`
	CreatedAt      types.String `tfsdk:"created_at"`
	UpdatedAt      types.String `tfsdk:"updated_at"`
}

func (r *channelResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_channel"
}

func (r *channelResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A channel of an HCP Packer bucket: a stable name, such as `stable`, for the version " +
			"deployments should use. Assign a version with `hcppacker_channel_assignment`.\n\n" +
			"Every bucket has a channel `latest` that HCP Packer manages itself. Declaring it adopts it with a " +
			"warning: only `restricted` is managed, and destroying the resource only removes it from the state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The channel's ULID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket_name": schema.StringAttribute{
				Required:            true,
				Validators:          nameValidators(),
				MarkdownDescription: "The bucket the channel belongs to. Changing it replaces the channel.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Required:   true,
				Validators: nameValidators(),
				MarkdownDescription: "The channel name: 3 to 36 letters, digits and hyphens. `latest` adopts the " +
					"channel HCP Packer manages. Changing it replaces the channel.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"restricted": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Whether only users with access to restricted channels may see the channel. " +
					"Defaults to `false`; a change made outside Terraform is reverted on the next apply. Updated in place.",
			},
			"project_id": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				Validators: projectIDValidators(),
				MarkdownDescription: "The HCP project (a UUID) of the bucket. Defaults to the provider's project. " +
					"Changing it, or the provider's default when it is unset, replaces the channel.",
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
			"managed": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "True for the `latest` channel, which HCP Packer manages itself.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"author_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The principal that last changed the channel.",
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the channel was created (RFC 3339, UTC).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the channel was last changed (RFC 3339, UTC).",
			},
		},
	}
}

func (r *channelResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *channelResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planLocation(ctx, r.pd, req, resp)
}

func (r *channelResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan channelResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, name := plan.BucketName.ValueString(), plan.Name.ValueString()

	ch, err := r.pd.client.CreateChannel(ctx, loc, bucket, client.ChannelInput{
		Name:       name,
		Restricted: plan.Restricted.ValueBool(),
	})
	if client.IsAlreadyExists(err) {
		ch, ok = r.adopt(ctx, loc, plan, resp)
		if !ok {
			return
		}
		err = nil
	}
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("bucket_name"), "Bucket Not Found", bucketMissingDetail(bucket, loc))
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Create Channel",
			fmt.Sprintf("create channel %q in bucket %q of project %q", name, bucket, loc.ProjectID), writeAccess, err)
		return
	}

	plan.fromAPI(loc, ch)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *channelResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state channelResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, name := state.BucketName.ValueString(), state.Name.ValueString()

	// A missing bucket answers NotFound as well: the channel went with it.
	ch, err := r.pd.client.GetChannel(ctx, loc, bucket, name)
	if client.IsNotFound(err) {
		warnGone(ctx, "channel", map[string]any{"bucket": bucket, "channel": name, "project_id": loc.ProjectID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read Channel",
			fmt.Sprintf("read channel %q in bucket %q of project %q", name, bucket, loc.ProjectID), readAccess, err)
		return
	}

	state.fromAPI(loc, ch)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *channelResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan channelResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, name := plan.BucketName.ValueString(), plan.Name.ValueString()
	restricted := plan.Restricted.ValueBool()

	ch, err := r.pd.client.UpdateChannel(ctx, loc, bucket, name, client.ChannelUpdate{Restricted: &restricted})
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("Channel Not Found",
			fmt.Sprintf("Channel %q of bucket %q in project %q no longer exists. Run terraform apply again to re-create it.",
				name, bucket, loc.ProjectID))
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Update Channel",
			fmt.Sprintf("update channel %q in bucket %q of project %q", name, bucket, loc.ProjectID), writeAccess, err)
		return
	}

	plan.fromAPI(loc, ch)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *channelResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state channelResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, name := state.BucketName.ValueString(), state.Name.ValueString()
	if state.Managed.ValueBool() {
		resp.Diagnostics.AddWarning("Managed Channel Not Deleted",
			fmt.Sprintf("Channel %q of bucket %q is managed by HCP Packer and cannot be deleted; Terraform only "+
				"stopped managing it.", name, bucket))
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}

	err := r.pd.client.DeleteChannel(ctx, loc, bucket, name)
	if err != nil && !client.IsNotFound(err) {
		reportAPIError(&resp.Diagnostics, "Unable to Delete Channel",
			fmt.Sprintf("delete channel %q in bucket %q of project %q", name, bucket, loc.ProjectID), writeAccess, err)
	}
}

// channelImportFormat is the import id format shared by the channel and the
// channel assignment, quoted in errors and docs.
const channelImportFormat = "{bucket_name}:{channel_name} or {project_id}:{bucket_name}:{channel_name}"

func (r *channelResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	project, bucket, name, ok := splitImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected an import id of the form %s, got %q.", channelImportFormat, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket_name"), bucket)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	if project != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), project)...)
	}
}

// MoveState takes over the state of hashicorp/hcp's hcp_packer_channel from a moved block.
func (r *channelResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOfficial("hcp_packer_channel", channelFromOfficial)}
}

// adopt takes over a channel that exists already, which Terraform may do only
// for the managed `latest` channel: a user channel made elsewhere must be
// imported deliberately, so that Terraform never silently claims it.
func (r *channelResource) adopt(ctx context.Context, loc client.Location, plan channelResourceModel, resp *resource.CreateResponse) (*client.Channel, bool) {
	bucket, name := plan.BucketName.ValueString(), plan.Name.ValueString()
	ch, err := r.pd.client.GetChannel(ctx, loc, bucket, name)
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Create Channel",
			fmt.Sprintf("read existing channel %q in bucket %q of project %q", name, bucket, loc.ProjectID), writeAccess, err)
		return nil, false
	}
	if !ch.Managed {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Channel Already Exists",
			fmt.Sprintf("Channel %q already exists in bucket %q of project %q. Import it to manage it with "+
				"Terraform: terraform import <address> %s:%s (or an import block with that id).",
				name, bucket, loc.ProjectID, bucket, name))
		return nil, false
	}

	resp.Diagnostics.AddWarning("Adopting the Managed Channel",
		fmt.Sprintf("Channel %q of bucket %q is created and kept up to date by HCP Packer. Terraform adopts it and "+
			"manages only its restricted flag; destroying the resource only removes it from the Terraform state.",
			name, bucket))
	tflog.Info(ctx, "adopting the managed channel", map[string]any{"bucket": bucket, "channel": name})

	if want := plan.Restricted.ValueBool(); ch.Restricted != want {
		ch, err = r.pd.client.UpdateChannel(ctx, loc, bucket, name, client.ChannelUpdate{Restricted: &want})
		if err != nil {
			reportAPIError(&resp.Diagnostics, "Unable to Create Channel",
				fmt.Sprintf("set restricted on channel %q in bucket %q of project %q", name, bucket, loc.ProjectID), writeAccess, err)
			return nil, false
		}
	}
	return ch, true
}

// fromAPI copies the channel's API state into the model.
func (m *channelResourceModel) fromAPI(loc client.Location, ch *client.Channel) {
	m.ID = types.StringValue(ch.ID)
	if ch.BucketName != "" {
		m.BucketName = types.StringValue(ch.BucketName)
	}
	m.Name = types.StringValue(ch.Name)
	m.Restricted = types.BoolValue(ch.Restricted)
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.Managed = types.BoolValue(ch.Managed)
	m.AuthorID = types.StringValue(ch.AuthorID)
	m.CreatedAt = stateTime(ch.CreatedAt)
	m.UpdatedAt = stateTime(ch.UpdatedAt)
}

// bucketMissingDetail explains a missing bucket and how to get one.
func bucketMissingDetail(bucket string, loc client.Location) string {
	return fmt.Sprintf("Bucket %q does not exist in project %q. Create it with hcppacker_bucket and refer to it "+
		"(bucket_name = hcppacker_bucket.<name>.name) so Terraform creates it first, or publish to it with packer build.",
		bucket, loc.ProjectID)
}
