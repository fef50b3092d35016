package localhcp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	iammodels "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/models"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/resource_service"
	rm "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func (c *sdk) projectPolicy() (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := project_service.NewProjectServiceGetIamPolicyParams()
	p.ID = c.project
	r, err := c.projects.ProjectServiceGetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

func (c *sdk) setProjectPolicy(policy *rm.HashicorpCloudResourcemanagerPolicy) (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := project_service.NewProjectServiceSetIamPolicyParams()
	p.ID, p.Body = c.project, &rm.HashicorpCloudResourcemanagerProjectServiceSetIamPolicyBody{Policy: policy}
	r, err := c.projects.ProjectServiceSetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

func (c *sdk) orgPolicy() (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := organization_service.NewOrganizationServiceGetIamPolicyParams()
	p.ID = c.org
	r, err := c.orgs.OrganizationServiceGetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

func (c *sdk) bucketPolicy(resourceName string) (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := resource_service.NewResourceServiceGetIamPolicyParams()
	p.ResourceName = &resourceName
	r, err := c.rs.ResourceServiceGetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

func (c *sdk) setBucketPolicy(resourceName string, policy *rm.HashicorpCloudResourcemanagerPolicy) (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := resource_service.NewResourceServiceSetIamPolicyParams()
	p.Body = &rm.HashicorpCloudResourcemanagerResourceSetIamPolicyRequest{Policy: policy, ResourceName: resourceName}
	r, err := c.rs.ResourceServiceSetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

// grant is a one-role, one-principal policy with etag, as the official
// binding resources send it.
func grant(role, principalID, etag string) *rm.HashicorpCloudResourcemanagerPolicy {
	sp := rm.HashicorpCloudResourcemanagerPolicyBindingMemberTypeSERVICEPRINCIPAL
	return &rm.HashicorpCloudResourcemanagerPolicy{Etag: etag, Bindings: []*rm.HashicorpCloudResourcemanagerPolicyBinding{
		{RoleID: role, Members: []*rm.HashicorpCloudResourcemanagerPolicyBindingMember{{MemberID: principalID, MemberType: &sp}}},
	}}
}

// principalWithKey creates a project principal and a key for it, and
// returns the principal and clients acting as it.
func principalWithKey(t *testing.T, admin *sdk, srv *localhcp.Server, name string) (*iammodels.HashicorpCloudIamServicePrincipal, string, string) {
	t.Helper()
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), name)).ok(t)
	key := check(admin.createKey(sp.ResourceName)).ok(t)
	return sp, key.Key.ClientID, key.ClientSecret
}

func TestProjectPolicyGrantsRolesWithEtags(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	sp, id, secret := principalWithKey(t, admin, srv, "packer")
	packer := clientsWith(t, srv, id, secret)
	wantCode(t, check(packer.createBucket("golden", "", nil)).err, 403, 7)

	empty := check(admin.projectPolicy()).ok(t)
	if len(empty.Bindings) != 0 || empty.Etag == "" {
		t.Fatalf("a fresh project's policy %+v, want no bindings and an etag", empty)
	}
	set := check(admin.setProjectPolicy(grant("roles/contributor", sp.ID, empty.Etag))).ok(t)
	if set.Etag == empty.Etag || len(set.Bindings) != 1 || set.Bindings[0].RoleID != "roles/contributor" || set.Bindings[0].Members[0].MemberID != sp.ID {
		t.Fatalf("SetIamPolicy answered %+v", set)
	}
	if got := check(admin.projectPolicy()).ok(t); got.Etag != set.Etag || len(got.Bindings) != 1 {
		t.Fatalf("GetIamPolicy after set %+v, want %+v", got, set)
	}
	check(packer.createBucket("golden", "", nil)).ok(t)

	// The etag read before the change is stale now: Aborted, HTTP 409.
	msg := wantCode(t, check(admin.setProjectPolicy(grant("roles/viewer", sp.ID, empty.Etag))).err, 409, 10)
	if !strings.Contains(msg, "GetIamPolicy") {
		t.Fatalf("conflict message %q does not say to read the policy again", msg)
	}
	wantCode(t, check(admin.setProjectPolicy(grant("roles/viewer", sp.ID, ""))).err, 400, 3)
	wantCode(t, check(admin.setProjectPolicy(grant("roles/secrets.app-manager", sp.ID, set.Etag))).err, 400, 3)
	wantCode(t, check(admin.setProjectPolicy(grant("roles/viewer", "nobody", set.Etag))).err, 400, 3)

	// Only admins set policies; viewers read them.
	wantCode(t, check(packer.setProjectPolicy(grant("roles/admin", sp.ID, set.Etag))).err, 403, 7)
	check(clientsFor(t, srv, "viewer").projectPolicy()).ok(t)

	// The seeded principals' roles are the organization's policy.
	org := check(admin.orgPolicy()).ok(t)
	roles := map[string]string{}
	for _, b := range org.Bindings {
		for _, m := range b.Members {
			roles[m.MemberID] = b.RoleID
		}
	}
	if roles[srv.Principal("viewer").ID] != "roles/viewer" || roles[srv.Principal("admin").ID] != "roles/admin" {
		t.Fatalf("organization policy %+v does not hold the seeded roles", roles)
	}

	// Emptying the policy, as the official policy resource's delete does,
	// takes the role away.
	check(admin.setProjectPolicy(&rm.HashicorpCloudResourcemanagerPolicy{Etag: set.Etag})).ok(t)
	wantCode(t, check(packer.createBucket("other", "", nil)).err, 403, 7)
}

func TestBatchGetPrincipalsAnswersEveryID(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	sp := check(admin.createPrincipal("project/"+srv.ProjectID(), "terraform")).ok(t)
	p := iam_service.NewIamServiceBatchGetPrincipalsParams()
	basic := "PRINCIPAL_VIEW_BASIC"
	p.OrganizationID, p.PrincipalIds, p.View = srv.OrganizationID(), []string{sp.ID, srv.Principal("viewer").ID}, &basic
	r, err := admin.iam.IamServiceBatchGetPrincipals(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Payload.Principals) != 2 {
		t.Fatalf("principals %+v", r.Payload.Principals)
	}
	for _, got := range r.Payload.Principals {
		if *got.Type != iammodels.HashicorpCloudIamPrincipalTypePRINCIPALTYPESERVICE {
			t.Fatalf("principal %s has type %s", got.ID, *got.Type)
		}
	}
	p.PrincipalIds = []string{sp.ID, "nobody"}
	_, err = admin.iam.IamServiceBatchGetPrincipals(p, nil)
	wantCode(t, err, 404, 5)
}

// The pipeline's Terraform principal holds viewer on one bucket alone: it
// reads that bucket, is refused the other naming principal, action, bucket
// and the role it needs, and lists its bucket alone.
func TestBucketBindingsAddToProjectRoles(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	a := check(admin.createBucket("bucket-a", "", nil)).ok(t)
	check(admin.createBucket("bucket-b", "", nil)).ok(t)
	sp, id, secret := principalWithKey(t, admin, srv, "terraform")
	tf := clientsWith(t, srv, id, secret)

	policy := check(admin.bucketPolicy(a.ResourceName)).ok(t)
	check(admin.setBucketPolicy(a.ResourceName, grant("roles/viewer", sp.ID, policy.Etag))).ok(t)

	check(tf.getBucket("bucket-a")).ok(t)
	check(tf.listChannels("bucket-a")).ok(t)
	msg := wantCode(t, check(tf.getBucket("bucket-b")).err, 403, 7)
	for _, want := range []string{`principal "terraform"`, "packer.buckets.get", `bucket "bucket-b"`, "roles/viewer"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not contain %q", msg, want)
		}
	}
	msg = wantCode(t, check(tf.createChannel("bucket-a", "stable", "", false)).err, 403, 7)
	if !strings.Contains(msg, "(role viewer)") || !strings.Contains(msg, "roles/contributor") {
		t.Errorf("refusal %q does not name the role held and the role needed", msg)
	}
	listed := check(tf.listBuckets(0, "")).ok(t)
	if len(listed.Buckets) != 1 || listed.Buckets[0].Name != "bucket-a" {
		t.Fatalf("a bucket-only viewer lists %d buckets, want a alone", len(listed.Buckets))
	}
	check(tf.bucketPolicy(a.ResourceName)).ok(t)
	wantCode(t, check(tf.setBucketPolicy(a.ResourceName, grant("roles/admin", sp.ID, policy.Etag))).err, 403, 7)
	wantCode(t, check(admin.bucketPolicy("packer/project/"+srv.ProjectID()+"/bucket/missing")).err, 404, 5)
}

// envWithKey is the HCP_* environment of srv with a key's credentials.
func envWithKey(srv *localhcp.Server, clientID, secret string) []string {
	return append(srv.Env(""), "HCP_CLIENT_ID="+clientID, "HCP_CLIENT_SECRET="+secret)
}

// The pipeline's security set-up, offline: two principals created through
// the SDK, the Packer one contributor on the project, the Terraform one
// viewer on one bucket. Publishing works as the first and is refused as
// the second, which reads its bucket and is refused the other with a
// message naming bucket, principal and the role it would need.
func TestPipelineSecuritySetUpOffline(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	ctx := context.Background()

	packerSP, packerID, packerSecret := principalWithKey(t, admin, srv, "packer")
	project := check(admin.projectPolicy()).ok(t)
	check(admin.setProjectPolicy(grant("roles/contributor", packerSP.ID, project.Etag))).ok(t)
	for _, bucket := range []string{"base-a", "base-b"} {
		if _, err := publish.Publish(ctx, envWithKey(srv, packerID, packerSecret), publish.Options{
			Bucket: bucket, Channels: []string{"stable"}, CreateChannels: true, Builds: []publish.Build{{}},
		}); err != nil {
			t.Fatalf("publish %s as the contributor: %v", bucket, err)
		}
	}

	tfSP, tfID, tfSecret := principalWithKey(t, admin, srv, "terraform")
	a := check(admin.getBucket("base-a")).ok(t)
	policy := check(admin.bucketPolicy(a.ResourceName)).ok(t)
	check(admin.setBucketPolicy(a.ResourceName, grant("roles/viewer", tfSP.ID, policy.Etag))).ok(t)

	_, err := publish.Publish(ctx, envWithKey(srv, tfID, tfSecret), publish.Options{Bucket: "base-a", Builds: []publish.Build{{}}})
	if err == nil || !strings.Contains(err.Error(), "roles/contributor") {
		t.Fatalf("publish as the viewer: %v, want a refusal naming roles/contributor", err)
	}
	viewer := clientsWith(t, srv, tfID, tfSecret)
	check(viewer.getChannel("base-a", "stable")).ok(t)
	msg := wantCode(t, check(viewer.getChannel("base-b", "stable")).err, 403, 7)
	for _, want := range []string{`principal "terraform"`, `bucket "base-b"`, "roles/viewer"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not contain %q", msg, want)
		}
	}
}

func (c *sdk) setOrgPolicy(policy *rm.HashicorpCloudResourcemanagerPolicy) (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := organization_service.NewOrganizationServiceSetIamPolicyParams()
	p.ID, p.Body = c.org, &rm.HashicorpCloudResourcemanagerOrganizationServiceSetIamPolicyBody{Policy: policy}
	r, err := c.orgs.OrganizationServiceSetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

// An organization principal bound on the organization holds the role in
// every project; a project's principal cannot be bound there.
func TestOrganizationPolicyReachesEveryProject(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adminOptions())
	admin := clientsFor(t, srv, "admin")
	orgSP := check(admin.createPrincipal("organization/"+srv.OrganizationID(), "org-ci")).ok(t)
	key := check(admin.createKey(orgSP.ResourceName)).ok(t)
	projectSP := check(admin.createPrincipal("project/"+srv.ProjectID(), "project-ci")).ok(t)

	policy := check(admin.orgPolicy()).ok(t)
	msg := wantCode(t, check(admin.setOrgPolicy(grant("roles/contributor", projectSP.ID, policy.Etag))).err, 400, 3)
	if !strings.Contains(msg, "project-ci") {
		t.Fatalf("refusal %q does not name the project principal", msg)
	}
	// The whole policy is replaced: keep the seeded bindings and add one.
	policy.Bindings = append(policy.Bindings, grant("roles/contributor", orgSP.ID, "").Bindings...)
	set := check(admin.setOrgPolicy(policy)).ok(t)
	check(clientsWith(t, srv, key.Key.ClientID, key.ClientSecret).createBucket("org-made", "", nil)).ok(t)
	wantCode(t, check(admin.setOrgPolicy(policy)).err, 409, 10)
	if set.Etag == policy.Etag {
		t.Fatal("the etag did not change")
	}
	check(admin.getBucket("org-made")).ok(t) // the admin kept its role
}
