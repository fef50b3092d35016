package localhcp_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func TestResourceManagerDiscovery(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{Projects: []string{"prod", "staging", "dev"}})
	c := clientsFor(t, srv, "viewer")

	orgs, err := c.orgs.OrganizationServiceList(organization_service.NewOrganizationServiceListParams(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs.Payload.Organizations) != 1 || orgs.Payload.Organizations[0].ID != srv.OrganizationID() {
		t.Fatalf("organizations = %+v", orgs.Payload.Organizations)
	}
	if _, err := uuid.Parse(srv.OrganizationID()); err != nil {
		t.Fatalf("organization id %q is not a UUID", srv.OrganizationID())
	}
	org := orgs.Payload.Organizations[0]
	if org.State == nil || *org.State != "ACTIVE" {
		t.Fatalf("organization state = %v", org.State)
	}
	get := organization_service.NewOrganizationServiceGetParams()
	get.ID = srv.OrganizationID()
	if _, err := c.orgs.OrganizationServiceGet(get, nil); err != nil {
		t.Fatal(err)
	}
	get.ID = uuid.NewString()
	_, err = c.orgs.OrganizationServiceGet(get, nil)
	wantCode(t, err, 404, 5)

	list := project_service.NewProjectServiceListParams()
	scopeType := "ORGANIZATION"
	orgID := srv.OrganizationID()
	list.ScopeID, list.ScopeType = &orgID, &scopeType
	projects, err := c.projects.ProjectServiceList(list, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps := projects.Payload.Projects
	if len(ps) != 3 || ps[0].Name != "prod" || ps[0].ID != srv.ProjectID() {
		t.Fatalf("projects = %+v", ps)
	}
	for i, p := range ps {
		if p.Parent == nil || p.Parent.ID != srv.OrganizationID() || p.Parent.Type == nil || *p.Parent.Type != "ORGANIZATION" {
			t.Fatalf("project %s parent = %+v", p.Name, p.Parent)
		}
		if _, err := uuid.Parse(p.ID); err != nil {
			t.Fatalf("project id %q is not a UUID", p.ID)
		}
		if i > 0 && !time.Time(ps[i-1].CreatedAt).Before(time.Time(p.CreatedAt)) {
			t.Fatalf("project %s is not newer than %s", p.Name, ps[i-1].Name)
		}
	}
	if ids := srv.ProjectIDs(); len(ids) != 3 || ids[0] != srv.ProjectID() {
		t.Fatalf("ProjectIDs = %v", ids)
	}

	pget := project_service.NewProjectServiceGetParams()
	pget.ID = ps[2].ID
	one, err := c.projects.ProjectServiceGet(pget, nil)
	if err != nil || one.Payload.Project.Name != "dev" {
		t.Fatalf("get project = %+v, %v", one, err)
	}
	pget.ID = uuid.NewString()
	_, err = c.projects.ProjectServiceGet(pget, nil)
	wantCode(t, err, 404, 5)
}

func TestProjectsAreSeparateRegistries(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{Projects: []string{"one", "two"}})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("same-name", "", nil)).ok(t)
	other := *c
	other.project = srv.ProjectIDs()[1]
	wantCode(t, check(other.getBucket("same-name")).err, 404, 5)
	check(other.createBucket("same-name", "", nil)).ok(t)
	missing := *c
	missing.project = uuid.NewString()
	wantCode(t, check(missing.getBucket("same-name")).err, 404, 5)
}
