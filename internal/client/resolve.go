package client

import (
	"context"
	"fmt"
	"sort"
	"strings"

	organizationservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	projectservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	rmmodels "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/models"
	"google.golang.org/grpc/codes"
)

// ResolveLocation returns the location of projectID (its organization
// comes from the project's parent). An empty projectID yields the
// provider's default location. Unlike the official provider, a project of
// another organization than the default one works.
func (c *Client) ResolveLocation(ctx context.Context, projectID string) (Location, error) {
	if projectID == "" || projectID == c.location.ProjectID {
		return c.location, nil
	}
	c.mu.Lock()
	org, ok := c.projectOrgs[projectID]
	c.mu.Unlock()
	if ok {
		return Location{OrganizationID: org, ProjectID: projectID}, nil
	}
	project, err := c.getProject(ctx, projectID)
	if err != nil {
		return Location{}, err
	}
	c.mu.Lock()
	c.projectOrgs[projectID] = project.Parent.ID
	c.mu.Unlock()
	return Location{OrganizationID: project.Parent.ID, ProjectID: projectID}, nil
}

// resolveDefaultLocation finds the provider's default location the way the
// official provider does: a project given → its parent organization; no
// project → the only organization's oldest project. An organization given
// without a project skips the organization listing.
func (c *Client) resolveDefaultLocation(ctx context.Context, orgID, projectID string) (Location, []string, error) {
	if projectID != "" {
		project, err := c.getProject(ctx, projectID)
		if err != nil {
			return Location{}, nil, describe(err, codes.Unknown, "could not read HCP project %q: %s; check project_id (or HCP_PROJECT_ID) "+
				"and that the credentials may read that project", projectID, MessageOf(err))
		}
		if orgID != "" && orgID != project.Parent.ID {
			return Location{}, nil, describe(nil, codes.InvalidArgument, "organization_id %q is not the organization of project %q, which belongs to %q; "+
				"correct organization_id (or HCP_ORGANIZATION_ID) or leave it unset", orgID, projectID, project.Parent.ID)
		}
		return Location{OrganizationID: project.Parent.ID, ProjectID: projectID}, nil, nil
	}

	if orgID == "" {
		var err error
		if orgID, err = c.onlyOrganization(ctx); err != nil {
			return Location{}, nil, err
		}
	}

	projects, err := c.listProjects(ctx, orgID)
	if err != nil {
		return Location{}, nil, describe(err, codes.Unknown, "could not list the projects of HCP organization %q: %s; set project_id (or HCP_PROJECT_ID)",
			orgID, MessageOf(err))
	}
	if len(projects) == 0 {
		return Location{}, nil, describe(nil, codes.NotFound, "the credentials cannot read any project of HCP organization %q; "+
			"set project_id (or HCP_PROJECT_ID) or grant the service principal access to a project", orgID)
	}
	oldest := oldestProject(projects)
	var warnings []string
	if len(projects) > 1 {
		warnings = append(warnings, fmt.Sprintf("The credentials can read %d projects of HCP organization %q; "+
			"using the oldest, %q (%s). Set project_id (or HCP_PROJECT_ID) to choose another.",
			len(projects), orgID, oldest.Name, oldest.ID))
	}
	return Location{OrganizationID: orgID, ProjectID: oldest.ID}, warnings, nil
}

// onlyOrganization returns the one organization the credentials can see.
func (c *Client) onlyOrganization(ctx context.Context) (string, error) {
	orgs, err := c.listOrganizations(ctx)
	if err != nil {
		return "", describe(err, codes.Unknown, "could not list the HCP organizations of the credentials: %s; "+
			"set project_id (or HCP_PROJECT_ID), which project-scoped service principals need", MessageOf(err))
	}
	switch len(orgs) {
	case 0:
		return "", describe(nil, codes.NotFound, "the credentials do not have access to any HCP organization; "+
			"set project_id (or HCP_PROJECT_ID) or grant the service principal access to an organization")
	case 1:
		return orgs[0].ID, nil
	default:
		ids := make([]string, len(orgs))
		for i, o := range orgs {
			ids[i] = o.ID
		}
		return "", describe(nil, codes.InvalidArgument, "the credentials have access to %d HCP organizations (%s); set project_id (or HCP_PROJECT_ID) to choose one",
			len(orgs), strings.Join(ids, ", "))
	}
}

// getProject reads a project and checks that it names its organization.
func (c *Client) getProject(ctx context.Context, projectID string) (*rmmodels.HashicorpCloudResourcemanagerProject, error) {
	const op = "ProjectService_Get"
	resp, err := c.projects.ProjectServiceGet(projectservice.NewProjectServiceGetParamsWithContext(ctx).WithID(projectID), nil)
	if err != nil {
		return nil, classify(op, err)
	}
	p := resp.GetPayload().Project
	if p == nil || p.Parent == nil || p.Parent.ID == "" {
		return nil, &Error{Op: op, HTTPStatus: 200, Code: codes.Internal,
			Message: fmt.Sprintf("HCP answered without the parent organization of project %q", projectID)}
	}
	return p, nil
}

func (c *Client) listOrganizations(ctx context.Context) ([]*rmmodels.HashicorpCloudResourcemanagerOrganization, error) {
	const op = "OrganizationService_List"
	var all []*rmmodels.HashicorpCloudResourcemanagerOrganization
	err := paginate(op, func(token *string) (string, error) {
		params := organizationservice.NewOrganizationServiceListParamsWithContext(ctx).WithPaginationNextPageToken(token)
		resp, err := c.organizations.OrganizationServiceList(params, nil)
		if err != nil {
			return "", classify(op, err)
		}
		for _, o := range resp.GetPayload().Organizations {
			if o != nil && o.ID != "" {
				all = append(all, o)
			}
		}
		return nextToken(resp.GetPayload().Pagination), nil
	})
	return all, err
}

// listProjects returns the organization's projects that are not being
// deleted.
func (c *Client) listProjects(ctx context.Context, orgID string) ([]*rmmodels.HashicorpCloudResourcemanagerProject, error) {
	const op = "ProjectService_List"
	scopeType := string(rmmodels.HashicorpCloudResourcemanagerResourceIDResourceTypeORGANIZATION)
	var all []*rmmodels.HashicorpCloudResourcemanagerProject
	err := paginate(op, func(token *string) (string, error) {
		params := projectservice.NewProjectServiceListParamsWithContext(ctx).
			WithScopeID(&orgID).WithScopeType(&scopeType).WithPaginationNextPageToken(token)
		resp, err := c.projects.ProjectServiceList(params, nil)
		if err != nil {
			return "", classify(op, err)
		}
		for _, p := range resp.GetPayload().Projects {
			if p != nil && p.ID != "" && !projectGone(p) {
				all = append(all, p)
			}
		}
		return nextToken(resp.GetPayload().Pagination), nil
	})
	return all, err
}

func projectGone(p *rmmodels.HashicorpCloudResourcemanagerProject) bool {
	if p.State == nil {
		return false
	}
	switch *p.State {
	case rmmodels.HashicorpCloudResourcemanagerProjectProjectStateDELETING,
		rmmodels.HashicorpCloudResourcemanagerProjectProjectStateDELETED:
		return true
	}
	return false
}

// oldestProject picks the project created first; ties go to the smallest
// id so the choice is stable.
func oldestProject(projects []*rmmodels.HashicorpCloudResourcemanagerProject) *rmmodels.HashicorpCloudResourcemanagerProject {
	sorted := append([]*rmmodels.HashicorpCloudResourcemanagerProject(nil), projects...)
	sort.SliceStable(sorted, func(i, j int) bool {
		ti, tj := timeOf(sorted[i].CreatedAt), timeOf(sorted[j].CreatedAt)
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return sorted[i].ID < sorted[j].ID
	})
	return sorted[0]
}
