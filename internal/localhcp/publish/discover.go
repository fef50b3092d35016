package publish

import (
	"context"
	"fmt"
	"time"

	"github.com/go-openapi/runtime"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
)

// discover resolves the organization and project as Packer does: both from
// the environment when both are set; otherwise the single organization and
// its oldest project.
func discover(ctx context.Context, rt runtime.ClientTransport, orgID, projectID string) (string, string, error) {
	if orgID != "" && projectID != "" {
		return orgID, projectID, nil
	}
	if orgID == "" {
		resp, err := organization_service.New(rt, nil).OrganizationServiceList(
			organization_service.NewOrganizationServiceListParamsWithContext(ctx), nil)
		if err != nil {
			return "", "", apiError("list organizations (set HCP_ORGANIZATION_ID to skip this)", err)
		}
		if n := len(resp.Payload.Organizations); n != 1 {
			return "", "", fmt.Errorf("unexpected number of organizations: expected 1, actual: %d (set HCP_ORGANIZATION_ID)", n)
		}
		orgID = resp.Payload.Organizations[0].ID
	}
	if projectID != "" {
		return orgID, projectID, nil
	}
	params := project_service.NewProjectServiceListParamsWithContext(ctx)
	scopeType := "ORGANIZATION"
	params.ScopeID, params.ScopeType = &orgID, &scopeType
	resp, err := project_service.New(rt, nil).ProjectServiceList(params, nil)
	if err != nil {
		return "", "", apiError(fmt.Sprintf("list projects of organization %s (set HCP_PROJECT_ID to skip this)", orgID), err)
	}
	if len(resp.Payload.Projects) == 0 {
		return "", "", fmt.Errorf("organization %s has no project: create one or set HCP_PROJECT_ID", orgID)
	}
	oldest := resp.Payload.Projects[0]
	for _, p := range resp.Payload.Projects[1:] {
		if time.Time(p.CreatedAt).Before(time.Time(oldest.CreatedAt)) {
			oldest = p
		}
	}
	return orgID, oldest.ID, nil
}
