package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// apiTimeLayout is how HCP itself renders times (RFC 3339, UTC, milliseconds);
// state uses the same form so values match the API and the official provider.
const apiTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// stateTime renders an API time for state; the zero time becomes null.
func stateTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(apiTimeLayout))
}

// warnGone logs that an object vanished outside Terraform; Read then drops
// it from state so the next plan re-creates it.
func warnGone(ctx context.Context, kind string, fields map[string]any) {
	tflog.Warn(ctx, "object not found in HCP Packer, removing it from state so the next plan re-creates it",
		mergeFields(map[string]any{"kind": kind}, fields))
}

func mergeFields(a, b map[string]any) map[string]any {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// planLocation fills a planned resource's computed project_id (when the
// configuration leaves it to the provider) and organization_id, so plans show
// where the object will live instead of "known after apply". A change of the
// provider's default project replaces objects that relied on it, as they
// cannot move between projects.
func planLocation(ctx context.Context, pd *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if pd == nil || req.Plan.Raw.IsNull() {
		return
	}
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("project_id"), &configured)...)
	if resp.Diagnostics.HasError() || configured.IsUnknown() {
		return
	}
	loc, ok := pd.location(ctx, configured, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("organization_id"), loc.OrganizationID)...)
	if !configured.IsNull() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("project_id"), loc.ProjectID)...)
	if req.State.Raw.IsNull() {
		return
	}
	var prior types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("project_id"), &prior)...)
	if !prior.IsNull() && prior.ValueString() != loc.ProjectID {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("project_id"))
	}
}

// splitImportID splits the import ids of objects inside a bucket,
// "{bucket}:{name}" or "{project_id}:{bucket}:{name}". project is "" when
// the id names none; when it names one, it must be a project id as
// project_id accepts it, so that a mistyped id is refused as malformed
// instead of being looked up as a project.
func splitImportID(id string) (project, bucket, name string, ok bool) {
	parts := strings.Split(id, ":")
	for _, p := range parts {
		if p == "" {
			return "", "", "", false
		}
	}
	switch len(parts) {
	case 2:
		return "", parts[0], parts[1], true
	case 3:
		if !uuidPattern.MatchString(parts[0]) {
			return "", "", "", false
		}
		return parts[0], parts[1], parts[2], true
	default:
		return "", "", "", false
	}
}
