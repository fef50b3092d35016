package localhcp_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	sps "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// adminOptions seeds an admin besides the usual contributor and viewer.
func adminOptions() localhcp.Options {
	return localhcp.Options{Principals: []localhcp.Principal{
		{Name: "admin", Role: "admin"}, {Name: "contributor", Role: "contributor"}, {Name: "viewer", Role: "viewer"},
	}}
}

func (c *sdk) createPrincipal(parent, name string) (*models.HashicorpCloudIamServicePrincipal, error) {
	p := sps.NewServicePrincipalsServiceCreateServicePrincipalParams()
	p.ParentResourceName, p.Body.Name = parent, name
	r, err := c.sps.ServicePrincipalsServiceCreateServicePrincipal(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.ServicePrincipal, nil
}

func (c *sdk) getPrincipal(resourceName string) (*models.HashicorpCloudIamGetServicePrincipalResponse, error) {
	p := sps.NewServicePrincipalsServiceGetServicePrincipalParams()
	p.ResourceName = resourceName
	r, err := c.sps.ServicePrincipalsServiceGetServicePrincipal(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func (c *sdk) listPrincipals(parent string) ([]*models.HashicorpCloudIamServicePrincipal, error) {
	p := sps.NewServicePrincipalsServiceListServicePrincipalsParams()
	p.ParentResourceName = parent
	r, err := c.sps.ServicePrincipalsServiceListServicePrincipals(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.ServicePrincipals, nil
}

func (c *sdk) deletePrincipal(resourceName string) error {
	p := sps.NewServicePrincipalsServiceDeleteServicePrincipalParams()
	p.ResourceName = resourceName
	_, err := c.sps.ServicePrincipalsServiceDeleteServicePrincipal(p, nil)
	return err
}

// createKey creates a key as the official provider does, with no body.
func (c *sdk) createKey(principal string) (*models.HashicorpCloudIamCreateServicePrincipalKeyResponse, error) {
	p := sps.NewServicePrincipalsServiceCreateServicePrincipalKeyParams()
	p.ParentResourceName = principal
	r, err := c.sps.ServicePrincipalsServiceCreateServicePrincipalKey(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func (c *sdk) deleteKey(resourceName string) error {
	p := sps.NewServicePrincipalsServiceDeleteServicePrincipalKeyParams()
	p.ResourceName2 = resourceName
	_, err := c.sps.ServicePrincipalsServiceDeleteServicePrincipalKey(p, nil)
	return err
}

func (c *sdk) callerID() (*models.HashicorpCloudIamPrincipal, error) {
	r, err := c.iam.IamServiceGetCallerIdentity(iam_service.NewIamServiceGetCallerIdentityParams(), nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Principal, nil
}

func TestServicePrincipalsAndKeysThroughTheSDK(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	parent := "project/" + srv.ProjectID()

	sp := check(admin.createPrincipal(parent, "packer")).ok(t)
	wantName := "iam/project/" + srv.ProjectID() + "/service-principal/packer"
	if sp.ResourceName != wantName || sp.Name != "packer" || sp.ID == "" || sp.ProjectID != srv.ProjectID() || sp.OrganizationID != srv.OrganizationID() {
		t.Fatalf("created %+v, want resource name %s in the project", sp, wantName)
	}
	wantCode(t, check(admin.createPrincipal(parent, "packer")).err, 409, 6)
	wantCode(t, check(admin.createPrincipal(parent, "a b")).err, 400, 3)
	wantCode(t, check(admin.createPrincipal("project/nope", "other")).err, 404, 5)

	created := check(admin.createKey(sp.ResourceName)).ok(t)
	if created.ClientSecret == "" || !strings.HasPrefix(created.Key.ClientID, "localhcp-") || !strings.HasPrefix(created.Key.ResourceName, wantName+"/key/") ||
		*created.Key.State != models.HashicorpCloudIamServicePrincipalKeyStateACTIVE {
		t.Fatalf("created key %+v", created)
	}
	got := check(admin.getPrincipal(sp.ResourceName)).ok(t)
	if got.ServicePrincipal.ID != sp.ID || len(got.Keys) != 1 || got.Keys[0].ResourceName != created.Key.ResourceName || got.Keys[0].ClientID != created.Key.ClientID {
		t.Fatalf("GetServicePrincipal = %+v %+v, want the principal with its one key", got.ServicePrincipal, got.Keys)
	}
	list := check(admin.listPrincipals(parent)).ok(t)
	if len(list) != 1 || list[0].ID != sp.ID {
		t.Fatalf("project principals = %+v, want packer alone", list)
	}

	// The key fetches tokens; a principal with no role yet may still ask who
	// it is, and is refused the rest.
	packer := clientsWith(t, srv, created.Key.ClientID, created.ClientSecret)
	me := check(packer.callerID()).ok(t)
	if me.ID != sp.ID || *me.Type != models.HashicorpCloudIamPrincipalTypePRINCIPALTYPESERVICE || me.Service.ResourceName != wantName {
		t.Fatalf("caller identity %+v", me)
	}
	msg := wantCode(t, check(packer.listBuckets(0, "")).err, 403, 7)
	if !strings.Contains(msg, `principal "packer" (no role)`) || !strings.Contains(msg, "roles/viewer") {
		t.Fatalf("refusal %q does not name the principal and the role it needs", msg)
	}

	// Deleting the key revokes the token the client holds.
	if err := admin.deleteKey(created.Key.ResourceName); err != nil {
		t.Fatal(err)
	}
	wantCode(t, check(packer.callerID()).err, 401, 16)
	wantCode(t, admin.deleteKey(created.Key.ResourceName), 404, 5)
	if keys := check(admin.getPrincipal(sp.ResourceName)).ok(t).Keys; len(keys) != 0 {
		t.Fatalf("keys after delete: %+v", keys)
	}

	// So does deleting the principal.
	second := check(admin.createKey(sp.ResourceName)).ok(t)
	again := clientsWith(t, srv, second.Key.ClientID, second.ClientSecret)
	check(again.callerID()).ok(t)
	if err := admin.deletePrincipal(sp.ResourceName); err != nil {
		t.Fatal(err)
	}
	wantCode(t, check(again.callerID()).err, 401, 16)
	wantCode(t, check(admin.getPrincipal(sp.ResourceName)).err, 404, 5)
	wantCode(t, admin.deletePrincipal(sp.ResourceName), 404, 5)
}

func TestOrganizationPrincipalsIncludeTheSeededOnes(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	parent := "organization/" + srv.OrganizationID()
	terraform := check(admin.createPrincipal(parent, "terraform")).ok(t)
	if terraform.ResourceName != "iam/organization/"+srv.OrganizationID()+"/service-principal/terraform" || terraform.ProjectID != "" {
		t.Fatalf("organization principal %+v", terraform)
	}
	var names []string
	for _, p := range check(admin.listPrincipals(parent)).ok(t) {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ","); got != "admin,contributor,viewer,terraform" {
		t.Fatalf("organization principals %s, want the seeded ones, then terraform", got)
	}
	// A seeded principal is a principal like any other: its key is listed
	// and its caller identity is itself.
	viewer := srv.Principal("viewer")
	got := check(admin.getPrincipal("iam/organization/" + srv.OrganizationID() + "/service-principal/viewer")).ok(t)
	if got.ServicePrincipal.ID != viewer.ID || len(got.Keys) != 1 || got.Keys[0].ClientID != viewer.ClientID {
		t.Fatalf("seeded viewer %+v %+v", got.ServicePrincipal, got.Keys)
	}
	if me := check(clientsFor(t, srv, "viewer").callerID()).ok(t); me.ID != viewer.ID {
		t.Fatalf("viewer's caller identity %+v", me)
	}
}

func TestOnlyAdminsManagePrincipals(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	parent := "project/" + srv.ProjectID()
	sp := check(clientsFor(t, srv, "admin").createPrincipal(parent, "terraform")).ok(t)
	for _, role := range []string{"contributor", "viewer"} {
		c := clientsFor(t, srv, role)
		msg := wantCode(t, check(c.createPrincipal(parent, "mine")).err, 403, 7)
		if !strings.Contains(msg, "iam.serviceprincipals.create") || !strings.Contains(msg, "roles/admin") {
			t.Fatalf("%s: refusal %q names neither the action nor the role it needs", role, msg)
		}
		wantCode(t, check(c.createKey(sp.ResourceName)).err, 403, 7)
		wantCode(t, c.deletePrincipal(sp.ResourceName), 403, 7)
		// Reading principals is viewing the project.
		check(c.getPrincipal(sp.ResourceName)).ok(t)
	}
}

// Principals, keys and bindings made through the API survive a restart,
// and a restart with new --principals replaces only the seeded ones.
func TestRestartKeepsPrincipalsKeysAndBindings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := localhcp.Start(localhcp.Options{DataDir: dir, Principals: adminOptions().Principals})
	if err != nil {
		t.Fatal(err)
	}
	admin := clientsFor(t, first, "admin")
	sp, id, secret := principalWithKey(t, admin, first, "packer")
	policy := check(admin.projectPolicy()).ok(t)
	check(admin.setProjectPolicy(grant("roles/contributor", sp.ID, policy.Etag))).ok(t)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := startServer(t, localhcp.Options{DataDir: dir, Principals: []localhcp.Principal{{Name: "boss", Role: "admin"}}})
	check(clientsWith(t, second, id, secret).createBucket("after-restart", "", nil)).ok(t)
	if second.Principal("viewer").ID != "" {
		t.Fatal("the replaced seeded viewer is still there")
	}
	var names []string
	for _, p := range check(clientsFor(t, second, "admin").listPrincipals("organization/" + second.OrganizationID())).ok(t) {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "boss" {
		t.Fatalf("organization principals after the restart: %v, want boss alone", names)
	}
}
