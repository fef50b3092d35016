package provider

// Pieces every data source shares: the location attributes, the revocation
// attributes of the version-bearing data sources, and the conversions from
// API values to Terraform values (null when the API has nothing, never a
// zero date or an empty string standing in for "none").

import (
	"context"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// locationAttributes are the project_id input and organization_id output of
// every data source.
func locationAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"project_id": schema.StringAttribute{
			MarkdownDescription: "The HCP project (UUID) to read from. Default: the provider's project " +
				"(its `project_id`, else `HCP_PROJECT_ID`, else the organization's oldest project).",
			Optional:   true,
			Computed:   true,
			Validators: projectIDValidators(),
		},
		"organization_id": schema.StringAttribute{
			MarkdownDescription: "The HCP organization (UUID) that owns the project.",
			Computed:            true,
		},
	}
}

// lookupRevocationModel is the revocation state every version-bearing data
// source exposes, embedded in its model.
type lookupRevocationModel struct {
	Status              types.String `tfsdk:"status"`
	Revoked             types.Bool   `tfsdk:"revoked"`
	RevocationScheduled types.Bool   `tfsdk:"revocation_scheduled"`
	RevocationMessage   types.String `tfsdk:"revocation_message"`
	RevocationAuthor    types.String `tfsdk:"revocation_author"`
	RevocationType      types.String `tfsdk:"revocation_type"`
	RevokeAt            types.String `tfsdk:"revoke_at"`
	RejectRevoked       types.Bool   `tfsdk:"reject_revoked"`
}

// revocationAttributes returns the schema of lookupRevocationModel merged
// into attrs.
func revocationAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	maps.Copy(attrs, map[string]schema.Attribute{
		"status": schema.StringAttribute{
			MarkdownDescription: "The version's status as HCP Packer reports it: `VERSION_ACTIVE`, " +
				"`VERSION_REVOCATION_SCHEDULED` or `VERSION_REVOKED` for the complete versions a lookup returns.",
			Computed: true,
		},
		"revoked": schema.BoolAttribute{
			MarkdownDescription: "`true` when the version's revocation has taken effect, that is when `revoke_at` is at or " +
				"before the time of the read. A revocation scheduled for later leaves it `false` (see `revocation_scheduled`). " +
				"Stop a deployment on a revoked image with `precondition { condition = !data.<type>.<name>.revoked }`.",
			Computed: true,
		},
		"revocation_scheduled": schema.BoolAttribute{
			MarkdownDescription: "`true` when the version will be revoked at `revoke_at`, which is still in the future.",
			Computed:            true,
		},
		"revocation_message": schema.StringAttribute{
			MarkdownDescription: "The reason given for the revocation; null when the version has no revocation or no message.",
			Computed:            true,
		},
		"revocation_author": schema.StringAttribute{
			MarkdownDescription: "Who revoked the version; null when it has no revocation.",
			Computed:            true,
		},
		"revocation_type": schema.StringAttribute{
			MarkdownDescription: "`MANUAL`, or `INHERITED` when the revocation came from a revoked ancestor; " +
				"null when the version has no revocation.",
			Computed: true,
		},
		"revoke_at": schema.StringAttribute{
			MarkdownDescription: "When the version is or will be revoked (RFC 3339, UTC). **Null** when the version has " +
				"no revocation, never a zero date.",
			Computed: true,
		},
		"reject_revoked": schema.BoolAttribute{
			MarkdownDescription: "When `true`, reading a version whose revocation has taken effect is an error that names " +
				"the bucket, the channel and the fingerprint; a scheduled revocation only warns. Default: `false` " +
				"(revoked versions are returned, with `revoked = true`).",
			Optional: true,
		},
	})
	return attrs
}

// newLookupRevocationModel maps v's revocation at now; reject is the
// configured reject_revoked, kept as given.
func newLookupRevocationModel(v *client.Version, now time.Time, reject types.Bool) lookupRevocationModel {
	m := lookupRevocationModel{
		Status:              optionalStringValue(v.Status),
		Revoked:             types.BoolValue(v.Revoked(now)),
		RevocationScheduled: types.BoolValue(v.RevocationScheduled(now)),
		RevocationMessage:   types.StringNull(),
		RevocationAuthor:    types.StringNull(),
		RevocationType:      types.StringNull(),
		RevokeAt:            optionalStateTime(v.RevokeAt),
		RejectRevoked:       reject,
	}
	if v.RevokeAt != nil {
		m.RevocationMessage = optionalStringValue(v.RevocationMessage)
		m.RevocationAuthor = optionalStringValue(v.RevocationAuthor)
		m.RevocationType = optionalStringValue(v.RevocationType)
	}
	return m
}

// optionalStateTime renders *t like stateTime, or null when t is nil.
func optionalStateTime(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return stateTime(*t)
}

// optionalStringValue is null for "" (the API omits what it does not have).
func optionalStringValue(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// stringMapValue converts labels; a build without labels is an empty map, so
// lookups such as labels["os"] fail clearly rather than on a null.
func stringMapValue(ctx context.Context, m map[string]string, diags *diag.Diagnostics) types.Map {
	if m == nil {
		m = map[string]string{}
	}
	v, d := types.MapValueFrom(ctx, types.StringType, m)
	diags.Append(d...)
	return v
}

// stringMapFrom reads a configured map of strings; null yields nil.
func stringMapFrom(ctx context.Context, v types.Map, diags *diag.Diagnostics) map[string]string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	m := map[string]string{}
	diags.Append(v.ElementsAs(ctx, &m, false)...)
	return m
}

// requireConfigured guards Read: the framework configures the provider before
// any Read, so missing provider data is a bug, reported instead of a panic.
func requireConfigured(pd *providerData, diags *diag.Diagnostics) bool {
	if pd == nil {
		diags.AddError("Provider Not Configured",
			"The data source was read before the provider was configured. This is a bug in the provider, please report it.")
		return false
	}
	return true
}
