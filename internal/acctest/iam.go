package acctest

import (
	"context"
	"testing"

	serviceprincipals "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// RoleAdmin is the role of the seeded principal that may change IAM
// policies.
const RoleAdmin = "admin"

// ClientAs returns a client of the package's localhcp acting as the seeded
// principal of role, for changes only that role may make out of band (an
// admin editing a bucket's IAM policy).
func ClientAs(t testing.TB, role string) client.API {
	t.Helper()
	p := Server(t).Principal(role)
	c, _, err := client.New(context.Background(), client.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, SourceChannel: "hcppacker-acctest",
	})
	if err != nil {
		t.Fatalf("acctest: create an HCP client as %s: %v", role, err)
	}
	return c
}

// NewPrincipal creates a project service principal with no role and a key
// for it through hcp-sdk-go's IAM client, as the admin, and returns it with
// its credentials. name must be unique among the package's tests.
func NewPrincipal(t testing.TB, name string) localhcp.Principal {
	t.Helper()
	srv := Server(t)
	sps := adminServicePrincipals(t)
	create := serviceprincipals.NewServicePrincipalsServiceCreateServicePrincipalParams()
	create.ParentResourceName, create.Body.Name = "project/"+srv.ProjectID(), name
	made, err := sps.ServicePrincipalsServiceCreateServicePrincipal(create, nil)
	if err != nil {
		t.Fatalf("acctest: create service principal %q: %v", name, err)
	}
	sp := made.GetPayload().ServicePrincipal
	key := serviceprincipals.NewServicePrincipalsServiceCreateServicePrincipalKeyParams()
	key.ParentResourceName = sp.ResourceName
	keyMade, err := sps.ServicePrincipalsServiceCreateServicePrincipalKey(key, nil)
	if err != nil {
		t.Fatalf("acctest: create a key of service principal %q: %v", name, err)
	}
	return localhcp.Principal{ID: sp.ID, Name: sp.Name,
		ClientID: keyMade.GetPayload().Key.ClientID, ClientSecret: keyMade.GetPayload().ClientSecret}
}

// adminServicePrincipals is hcp-sdk-go's service principals client of the
// package's localhcp, acting as the admin.
func adminServicePrincipals(t testing.TB) serviceprincipals.ClientService {
	t.Helper()
	admin := Server(t).Principal(RoleAdmin)
	cfg, err := config.NewHCPConfig(config.FromEnv(), config.WithoutBrowserLogin(),
		config.WithClientCredentials(admin.ClientID, admin.ClientSecret))
	if err != nil {
		t.Fatalf("acctest: configure the IAM client: %v", err)
	}
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg, SourceChannel: "hcppacker-acctest"})
	if err != nil {
		t.Fatalf("acctest: create the IAM client: %v", err)
	}
	return serviceprincipals.New(rt, nil)
}
