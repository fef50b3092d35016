package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = (*versionRevocationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*versionRevocationResource)(nil)
	_ resource.ResourceWithImportState = (*versionRevocationResource)(nil)
)

func newVersionRevocationResource() resource.Resource { return &versionRevocationResource{} }

// versionRevocationResource revokes a version while it exists; destroying it
// restores the version. The registry cannot edit a revocation, so every input
// forces replacement: the old revocation is restored, then the new one made.
type versionRevocationResource struct {
	pd *providerData
}

type versionRevocationResourceModel struct {
	ID                        types.String      `tfsdk:"id"`
	BucketName                types.String      `tfsdk:"bucket_name"`
	VersionFingerprint        types.String      `tfsdk:"version_fingerprint"`
	RevokeAt                  timetypes.RFC3339 `tfsdk:"revoke_at"`
	RevokeIn                  types.String      `tfsdk:"revoke_in"`
	Message                   types.String      `tfsdk:"message"`
	SkipDescendantsRevocation types.Bool        `tfsdk:"skip_descendants_revocation"`
	DisableRollbackChannels   types.Bool        `tfsdk:"disable_rollback_channels"`
	ProjectID                 types.String      `tfsdk:"project_id"`
	OrganizationID            types.String      `tfsdk:"organization_id"`
	VersionName               types.String      `tfsdk:"version_name"`
	Status                    types.String      `tfsdk:"status"`
	Revoked                   types.Bool        `tfsdk:"revoked"`
	RevocationAuthor          types.String      `tfsdk:"revocation_author"`
	RevocationType            types.String      `tfsdk:"revocation_type"`
}

// revokeInPattern is the API's duration syntax: numbers with units s, m, h, d.
var revokeInPattern = regexp.MustCompile(`^([0-9]+[smhd])+$`)

func (r *versionRevocationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_version_revocation"
}

func (r *versionRevocationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes a version of an HCP Packer bucket, now or at a set time, so that deployments " +
			"checking `revoked` stop using its artifacts. Destroying the resource restores the version.\n\n" +
			"HCP Packer cannot edit a revocation, so changing any argument replaces the resource: the version is " +
			"restored and revoked again with the new arguments. If the version is restored outside Terraform, the " +
			"next plan revokes it again; if it is revoked again outside Terraform with other arguments, the next " +
			"plan replaces the revocation with the configured one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ULID of the revoked version.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket_name": schema.StringAttribute{
				Required:            true,
				Validators:          nameValidators(),
				MarkdownDescription: "The bucket of the version. Changing it forces replacement.",
				PlanModifiers:       replace,
			},
			"version_fingerprint": schema.StringAttribute{
				Required:            true,
				Validators:          fingerprintValidators(),
				MarkdownDescription: "The fingerprint of the version to revoke. Changing it forces replacement.",
				PlanModifiers:       replace,
			},
			"revoke_at": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				CustomType: timetypes.RFC3339Type{},
				Validators: []validator.String{
					revokeAtBounds{},
					stringvalidator.ConflictsWith(path.MatchRoot("revoke_in")),
				},
				MarkdownDescription: "When the revocation takes effect (RFC 3339, e.g. `2030-01-02T15:04:05Z`). A time " +
					"in the future schedules it; a past one revokes at once. Times before 1970 and more than 100 years " +
					"ahead are refused. Defaults to the time of the apply (revoke now), or to the apply time " +
					"plus `revoke_in`. Conflicts with `revoke_in`. Changing it forces replacement.",
				// No UseStateForUnknown: a replacement must compute a new
				// time (from now or revoke_in), not reuse the old one.
				PlanModifiers: replace,
			},
			"revoke_in": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(revokeInPattern,
						`must be a duration of whole numbers with units s, m, h or d, such as "30d" or "2h45m"`),
					revokeInBound{},
				},
				MarkdownDescription: "Schedule the revocation this long after the apply, e.g. `\"30d\"` or `\"2h45m\"` " +
					"(units `s`, `m`, `h`, `d`), at most 100 years (`\"36500d\"`); `\"0s\"` revokes now. Conflicts " +
					"with `revoke_at`. Changing it forces replacement.",
				PlanModifiers: replace,
			},
			"message": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				MarkdownDescription: "Why the version is revoked, shown to its users. Defaults to `\"\"`. Changing it forces replacement.",
				PlanModifiers:       replace,
			},
			"skip_descendants_revocation": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Revoke only this version, not the versions built from it. Defaults to `false`: " +
					"descendants are revoked too (and restored with it). Changing it forces replacement.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"disable_rollback_channels": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Leave channels that point at the version alone. Defaults to `false`: when the " +
					"revocation takes effect, HCP Packer rolls such channels back to their previous valid version. " +
					"An immediate revocation with rollback disabled is refused at plan time while a channel points at " +
					"the version: assign the channel another version in an earlier apply, or schedule the revocation. " +
					"Changing it forces replacement.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"project_id": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				Validators: projectIDValidators(),
				MarkdownDescription: "The HCP project (a UUID) of the bucket. Defaults to the provider's project. " +
					"Changing it, or the provider's default when it is unset, forces replacement.",
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
			"version_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The incremental name (`v1`, `v2`, …) of the version.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The version's status when last read: `VERSION_REVOKED`, or " +
					"`VERSION_REVOCATION_SCHEDULED` while `revoke_at` is in the future.",
			},
			"revoked": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the revocation had taken effect (`revoke_at` was past) when last read.",
			},
			"revocation_author": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The principal that revoked the version.",
			},
			"revocation_type": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`MANUAL` for a revocation made on the version itself, `INHERITED` when it " +
					"comes from a revoked ancestor.",
			},
		},
	}
}

func (r *versionRevocationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *versionRevocationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planLocation(ctx, r.pd, req, resp)
	// Only a new revocation needs checking; an unchanged one exists already.
	// Terraform also plans the create half of a replacement with no prior
	// state, so whether the version is revoked now says nothing here: the
	// replacement restores it first. Create checks that instead.
	if r.pd == nil || req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan versionRevocationResourceModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.BucketName.IsUnknown() || plan.VersionFingerprint.IsUnknown() || plan.ProjectID.IsUnknown() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, fp := plan.BucketName.ValueString(), plan.VersionFingerprint.ValueString()

	v, err := r.pd.client.GetVersion(ctx, loc, bucket, fp)
	if client.IsNotFound(err) {
		addLookupError(&resp.Diagnostics, versionNotFound(loc.ProjectID, bucket, fp, " to revoke", "version_fingerprint"))
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Check Version",
			fmt.Sprintf("read version %q of bucket %q in project %q", fp, bucket, loc.ProjectID), writeAccess, err)
		return
	}
	var config versionRevocationResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if v.RevokeAt == nil && plan.DisableRollbackChannels.ValueBool() && config.immediate(r.pd.now()) {
		r.refuseStrandedChannels(ctx, loc, v, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), v.ID)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version_name"), v.Name)...)
}

// immediate reports whether the configured revocation takes effect as soon
// as it is made, judged by revoke_at or revoke_in as written (the plan has
// revoke_at unknown when it is not set). An unknown value may be either, so
// it does not count.
func (m versionRevocationResourceModel) immediate(now time.Time) bool {
	switch {
	case m.RevokeIn.IsUnknown() || m.RevokeAt.IsUnknown():
		return false
	case !m.RevokeIn.IsNull():
		d, ok := parseRevokeIn(m.RevokeIn.ValueString())
		return ok && d == 0
	case !m.RevokeAt.IsNull():
		at, diags := m.RevokeAt.ValueRFC3339Time()
		return !diags.HasError() && !at.After(now)
	default:
		return true
	}
}

// refuseStrandedChannels reports an error when channels point at v: HCP
// Packer refuses an immediate revocation with rollback disabled that would
// leave a channel on a revoked version, and refusing at plan time keeps the
// rest of the plan from being applied first.
func (r *versionRevocationResource) refuseStrandedChannels(ctx context.Context, loc client.Location, v *client.Version, diags *diag.Diagnostics) {
	channels, err := r.pd.client.ListChannels(ctx, loc, v.BucketName)
	if err != nil {
		reportAPIError(diags, "Unable to Check Channels",
			fmt.Sprintf("list the channels of bucket %q in project %q", v.BucketName, loc.ProjectID), writeAccess, err)
		return
	}
	var serving []string
	for _, ch := range channels {
		if !ch.Managed && ch.Version != nil && ch.Version.ID == v.ID {
			serving = append(serving, strconv.Quote(ch.Name))
		}
	}
	if len(serving) == 0 {
		return
	}
	diags.AddAttributeError(path.Root("disable_rollback_channels"), "Revocation Would Strand Channels",
		fmt.Sprintf("%s is assigned to channel %s, and an immediate revocation with "+
			"disable_rollback_channels = true cannot leave a channel on a revoked version, so HCP Packer would "+
			"refuse it. Assign the channel another version in an earlier apply, let HCP Packer roll it back "+
			"(disable_rollback_channels = false), or schedule the revocation (revoke_in or a future revoke_at).",
			versionPhrase(v, v.BucketName), strings.Join(serving, ", ")))
}

func (r *versionRevocationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan versionRevocationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, fp := plan.BucketName.ValueString(), plan.VersionFingerprint.ValueString()

	rev := client.Revocation{
		In:                      plan.RevokeIn.ValueString(),
		Message:                 plan.Message.ValueString(),
		SkipDescendants:         plan.SkipDescendantsRevocation.ValueBool(),
		DisableRollbackChannels: plan.DisableRollbackChannels.ValueBool(),
	}
	if !plan.RevokeAt.IsNull() && !plan.RevokeAt.IsUnknown() {
		at, diags := plan.RevokeAt.ValueRFC3339Time()
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		rev.At = &at
	}

	// Revoking again would overwrite a revocation someone else made (or
	// fail, depending on the registry); refuse and point at import instead.
	current, err := r.pd.client.GetVersion(ctx, loc, bucket, fp)
	if err != nil {
		r.explainRevokeError(ctx, loc, plan, err, &resp.Diagnostics)
		return
	}
	if current.RevokeAt != nil {
		resp.Diagnostics.AddAttributeError(path.Root("version_fingerprint"), "Version Already Revoked",
			alreadyRevokedDetail(current, bucket))
		return
	}

	v, err := r.pd.client.RevokeVersion(ctx, loc, bucket, fp, rev)
	if err != nil {
		r.explainRevokeError(ctx, loc, plan, err, &resp.Diagnostics)
		return
	}

	resp.Diagnostics.Append(plan.fromAPI(loc, v, r.pd.now())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *versionRevocationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state versionRevocationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, fp := state.BucketName.ValueString(), state.VersionFingerprint.ValueString()

	v, err := r.pd.client.GetVersion(ctx, loc, bucket, fp)
	if client.IsNotFound(err) {
		warnGone(ctx, "version", map[string]any{"bucket": bucket, "version_fingerprint": fp, "project_id": loc.ProjectID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read Version",
			fmt.Sprintf("read version %q of bucket %q in project %q", fp, bucket, loc.ProjectID), readAccess, err)
		return
	}
	if v.RevokeAt == nil {
		// Restored outside Terraform: the revocation this resource stands
		// for is gone, so the next plan revokes the version again.
		warnGone(ctx, "revocation", map[string]any{"bucket": bucket, "version_fingerprint": fp, "project_id": loc.ProjectID})
		resp.State.RemoveResource(ctx)
		return
	}

	resp.Diagnostics.Append(state.fromAPI(loc, v, r.pd.now())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only runs when nothing but computed values would change, because
// every argument forces replacement; it records the version as it is now.
func (r *versionRevocationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan versionRevocationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, plan.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, fp := plan.BucketName.ValueString(), plan.VersionFingerprint.ValueString()

	v, err := r.pd.client.GetVersion(ctx, loc, bucket, fp)
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read Version",
			fmt.Sprintf("read version %q of bucket %q in project %q", fp, bucket, loc.ProjectID), writeAccess, err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(loc, v, r.pd.now())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *versionRevocationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state versionRevocationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := r.pd.location(ctx, state.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	bucket, fp := state.BucketName.ValueString(), state.VersionFingerprint.ValueString()

	_, err := r.pd.client.RestoreVersion(ctx, loc, bucket, fp)
	if err == nil || client.IsNotFound(err) {
		return
	}
	// The registry may refuse to restore a version that is not revoked;
	// that is the state destroy wants, so it is no error.
	if v, gerr := r.pd.client.GetVersion(ctx, loc, bucket, fp); client.IsNotFound(gerr) || (gerr == nil && v.RevokeAt == nil) {
		return
	}
	reportAPIError(&resp.Diagnostics, "Unable to Restore Version",
		fmt.Sprintf("restore version %q of bucket %q in project %q", fp, bucket, loc.ProjectID), writeAccess, err)
}

// versionRevocationImportFormat is the import id format, quoted in errors and docs.
const versionRevocationImportFormat = "{bucket_name}:{version_fingerprint} or {project_id}:{bucket_name}:{version_fingerprint}"

func (r *versionRevocationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	project, bucket, name, ok := splitImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected an import id of the form %s, got %q.", versionRevocationImportFormat, req.ID))
		return
	}
	// Read would silently drop a version that is not revoked, leaving
	// Terraform's generic "non-existent object" error; say what is wrong.
	projectID := types.StringNull()
	if project != "" {
		projectID = types.StringValue(project)
	}
	loc, ok := r.pd.location(ctx, projectID, &resp.Diagnostics)
	if !ok {
		return
	}
	v, err := r.pd.client.GetVersion(ctx, loc, bucket, name)
	if client.IsNotFound(err) {
		addLookupError(&resp.Diagnostics, versionNotFound(loc.ProjectID, bucket, name, " to import", ""))
		return
	}
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Import Revocation",
			fmt.Sprintf("read version %q of bucket %q in project %q", name, bucket, loc.ProjectID), readAccess, err)
		return
	}
	if v.RevokeAt == nil {
		resp.Diagnostics.AddError("Version Not Revoked",
			fmt.Sprintf("%s is not revoked, so there is no revocation to import. "+
				"Declare the resource without importing it to revoke the version.", versionPhrase(v, bucket)))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket_name"), bucket)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("version_fingerprint"), name)...)
	// The registry does not record these choices; an imported revocation
	// gets the defaults, which a configuration should then state.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("skip_descendants_revocation"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("disable_rollback_channels"), false)...)
	if project != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), project)...)
	}
}

// explainRevokeError turns a refused revocation into a diagnostic that says
// which rule the registry applied and what to do about it.
func (r *versionRevocationResource) explainRevokeError(ctx context.Context, loc client.Location, plan versionRevocationResourceModel, err error, diags *diag.Diagnostics) {
	bucket, fp := plan.BucketName.ValueString(), plan.VersionFingerprint.ValueString()
	action := fmt.Sprintf("revoke version %q of bucket %q in project %q", fp, bucket, loc.ProjectID)
	switch {
	case client.IsNotFound(err):
		addLookupError(diags, versionNotFound(loc.ProjectID, bucket, fp, " to revoke", "version_fingerprint"))
	case client.IsFailedPrecondition(err):
		// Someone may have revoked the version between the check in
		// Create and the call.
		if v, gerr := r.pd.client.GetVersion(ctx, loc, bucket, fp); gerr == nil && v.RevokeAt != nil {
			diags.AddAttributeError(path.Root("version_fingerprint"), "Version Already Revoked", alreadyRevokedDetail(v, bucket))
			return
		}
		hint := "Check the version's state in HCP Packer."
		if plan.DisableRollbackChannels.ValueBool() {
			hint = "A channel still points at the version and disable_rollback_channels is true: assign the " +
				"channel another version first, or let HCP Packer roll it back (disable_rollback_channels = false)."
		}
		diags.AddError("Revocation Refused",
			fmt.Sprintf("HCP Packer refused to %s: %s. %s", action, client.MessageOf(err), hint))
	default:
		reportAPIError(diags, "Unable to Revoke Version", action, writeAccess, err)
	}
}

// alreadyRevokedDetail explains that a version carries a revocation made
// outside this resource, and how to adopt it.
func alreadyRevokedDetail(v *client.Version, bucket string) string {
	return fmt.Sprintf("%s is already revoked (revoke_at %s). To manage that revocation "+
		"with Terraform, import it: terraform import <address> %s:%s (or an import block with that id).",
		versionPhrase(v, bucket), revocationDetails(v), bucket, v.Fingerprint)
}

// fromAPI copies a revoked version into the model. revoke_at keeps the
// configured spelling when it names the same instant as the API's, so a
// value such as "2030-01-02T17:04:05+02:00" does not show as drift.
func (m *versionRevocationResourceModel) fromAPI(loc client.Location, v *client.Version, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(v.ID)
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.VersionName = types.StringValue(v.Name)
	m.Status = types.StringValue(v.Status)
	m.Revoked = types.BoolValue(v.Revoked(now))
	m.RevocationAuthor = types.StringValue(v.RevocationAuthor)
	m.RevocationType = types.StringValue(v.RevocationType)
	m.Message = types.StringValue(v.RevocationMessage)
	if v.RevokeAt == nil {
		diags.AddError("Version Not Revoked",
			fmt.Sprintf("HCP Packer reports version %q of bucket %q as not revoked right after revoking it. "+
				"This is a bug in the provider or the registry; please report it.", v.Fingerprint, v.BucketName))
		return diags
	}
	if !sameInstant(m.RevokeAt, *v.RevokeAt) {
		m.RevokeAt = timetypes.NewRFC3339ValueMust(v.RevokeAt.UTC().Format(apiTimeLayout))
	}
	return diags
}

// sameInstant reports whether s is an RFC 3339 time equal to t at the
// millisecond precision the API keeps.
func sameInstant(s timetypes.RFC3339, t time.Time) bool {
	if s.IsNull() || s.IsUnknown() {
		return false
	}
	parsed, diags := s.ValueRFC3339Time()
	return !diags.HasError() && parsed.Truncate(time.Millisecond).Equal(t.Truncate(time.Millisecond))
}

// maxRevokeIn is the furthest ahead HCP Packer schedules a revocation.
const maxRevokeIn = 100 * 365 * 24 * time.Hour

// revokeInUnits are the units of revoke_in.
var revokeInUnits = map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}

// parseRevokeIn adds up a revoke_in such as "2h45m". It reports false for
// a malformed value and for one beyond maxRevokeIn, checking each term
// before it is multiplied so that no sum can overflow.
func parseRevokeIn(s string) (time.Duration, bool) {
	if !revokeInPattern.MatchString(s) {
		return 0, false
	}
	var total time.Duration
	for rest := s; rest != ""; {
		i := strings.IndexAny(rest, "smhd")
		unit := revokeInUnits[rest[i]]
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > int64((maxRevokeIn-total)/unit) {
			return 0, false
		}
		total += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	return total, true
}

// revokeInBound refuses a well-formed revoke_in beyond maxRevokeIn; the
// pattern validator reports malformed values.
type revokeInBound struct{}

func (revokeInBound) Description(_ context.Context) string {
	return `must be at most 100 years ("36500d")`
}

func (v revokeInBound) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v revokeInBound) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	s := req.ConfigValue.ValueString()
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !revokeInPattern.MatchString(s) {
		return
	}
	if _, ok := parseRevokeIn(s); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Revocation Too Far Ahead",
			fmt.Sprintf("revoke_in %q is more than 100 years, the furthest HCP Packer schedules a revocation. "+
				"Use a shorter duration, such as \"30d\", or revoke now (omit revoke_in).", s))
	}
}

// revokeAtBounds refuses instants that cannot be a revocation time: before
// the Unix epoch (the API reads the year-1 zero time as "not set") or more
// than maxRevokeIn ahead. The custom type has checked the syntax already.
type revokeAtBounds struct{}

func (revokeAtBounds) Description(_ context.Context) string {
	return "must be between 1970-01-01T00:00:00Z and 100 years from now"
}

func (v revokeAtBounds) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v revokeAtBounds) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return
	}
	if at.Before(time.Unix(0, 0)) || at.After(time.Now().Add(maxRevokeIn)) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Revocation Time",
			fmt.Sprintf("revoke_at %q %s. Give the time the revocation should take effect, such as "+
				"\"2030-01-02T15:04:05Z\"; omit revoke_at to revoke now.", s, v.Description(ctx)))
	}
}
