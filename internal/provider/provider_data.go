package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	// client reaches HCP; it knows the provider's default location.
	client client.API
	// now is the clock revocation checks use; tests substitute it.
	now func() time.Time
}

// providerDataFrom extracts the provider data given to a feature's Configure.
// It returns nil without an error while the provider is not configured yet,
// which Terraform does during validation.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError(
			"Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider, please report it.", data),
		)
		return nil
	}
	return pd
}

// location resolves the organization and project of an object: its own
// project_id when set, else the provider's default project.
func (pd *providerData) location(ctx context.Context, projectID types.String, diags *diag.Diagnostics) (client.Location, bool) {
	loc, err := pd.client.ResolveLocation(ctx, projectID.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("project_id"), "Project Not Found",
			fmt.Sprintf("Could not resolve HCP project %q: %s. Check project_id, or the provider's project_id and HCP_PROJECT_ID, "+
				"and that the credentials may read that project.", projectID.ValueString(), client.MessageOf(err)))
		return client.Location{}, false
	}
	return loc, true
}
