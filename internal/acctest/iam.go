package acctest

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-openapi/runtime"

	serviceprincipals "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	rm "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/models"
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
	sps := serviceprincipals.New(adminTransport(t), nil)

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

// GrantProjectRole binds role ("roles/contributor" and so on) to a
// principal on the default project, keeping the project's other bindings,
// through hcp-sdk-go's resource-manager client as the admin.
func GrantProjectRole(t testing.TB, principalID, role string) {
	t.Helper()
	projects := project_service.New(adminTransport(t), nil)
	project := Server(t).ProjectID()
	get := project_service.NewProjectServiceGetIamPolicyParams()
	get.ID = project
	got, err := projects.ProjectServiceGetIamPolicy(get, nil)
	if err != nil {
		t.Fatalf("acctest: read the IAM policy of project %s: %v", project, err)
	}
	policy := got.GetPayload().Policy
	sp := rm.HashicorpCloudResourcemanagerPolicyBindingMemberTypeSERVICEPRINCIPAL
	policy.Bindings = append(policy.Bindings, &rm.HashicorpCloudResourcemanagerPolicyBinding{
		RoleID: role, Members: []*rm.HashicorpCloudResourcemanagerPolicyBindingMember{{MemberID: principalID, MemberType: &sp}},
	})
	set := project_service.NewProjectServiceSetIamPolicyParams()
	set.ID, set.Body = project, &rm.HashicorpCloudResourcemanagerProjectServiceSetIamPolicyBody{Policy: policy}
	if _, err := projects.ProjectServiceSetIamPolicy(set, nil); err != nil {
		t.Fatalf("acctest: grant %s on project %s to principal %q: %v", role, project, principalID, err)
	}
}

// ProviderBlockFor returns a provider block that authenticates as principal
// p, one made with NewPrincipal for example.
func ProviderBlockFor(p localhcp.Principal) string {
	return fmt.Sprintf(`
provider %q {
  client_id     = %q
  client_secret = %q
}
`, ProviderName, p.ClientID, p.ClientSecret)
}

// adminTransport is an hcp-sdk-go transport to localhcp acting as the
// seeded admin, for the IAM and resource-manager clients.
func adminTransport(t testing.TB) runtime.ClientTransport {
	t.Helper()
	admin := Server(t).Principal(RoleAdmin)
	cfg, err := config.NewHCPConfig(config.FromEnv(), config.WithoutBrowserLogin(),
		config.WithClientCredentials(admin.ClientID, admin.ClientSecret))
	if err != nil {
		t.Fatalf("acctest: configure the admin's HCP client: %v", err)
	}
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg, SourceChannel: "hcppacker-acctest"})
	if err != nil {
		t.Fatalf("acctest: create the admin's HCP client: %v", err)
	}
	return rt
}
