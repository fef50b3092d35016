package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

const bindingAddr = "hcppacker_bucket_iam_binding.test"

// bindingConfig grants principal role on a new bucket, as the admin.
func bindingConfig(t *testing.T, bucket, role, principal string) string {
	return acctest.ProviderBlock(t, acctest.RoleAdmin) + fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name = %q
}

resource "hcppacker_bucket_iam_binding" "test" {
  bucket_name  = hcppacker_bucket.test.name
  role         = %q
  principal_id = %q
}
`, bucket, role, principal)
}

// bucketPolicy reads the bucket's policy as the admin.
func bucketPolicy(t *testing.T, bucket string) *client.IAMPolicy {
	t.Helper()
	p, err := acctest.ClientAs(t, acctest.RoleAdmin).GetBucketIAMPolicy(context.Background(), acctest.Location(t), bucket)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkViewer checks whether principal holds roles/viewer on the bucket.
func checkViewer(t *testing.T, bucket, principal string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := bucketPolicy(t, bucket).HasMember("roles/viewer", principal); got != want {
			return fmt.Errorf("bucket %q: principal %q holds roles/viewer = %t, want %t", bucket, principal, got, want)
		}
		return nil
	}
}

// removeBinding revokes the binding out of band, as the admin.
func removeBinding(t *testing.T, bucket, role, principal string) {
	t.Helper()
	_, err := client.ModifyBucketIAMPolicy(context.Background(), acctest.ClientAs(t, acctest.RoleAdmin), acctest.Location(t),
		bucket, func(p client.IAMPolicy) (client.IAMPolicy, bool) { return p.WithoutMember(role, principal) })
	if err != nil {
		t.Fatal(err)
	}
}

// addBinding grants a binding out of band, as the admin.
func addBinding(t *testing.T, bucket, role, principal string) {
	t.Helper()
	_, err := client.ModifyBucketIAMPolicy(context.Background(), acctest.ClientAs(t, acctest.RoleAdmin), acctest.Location(t),
		bucket, func(p client.IAMPolicy) (client.IAMPolicy, bool) {
			return p.WithMember(role, client.IAMMember{ID: principal, Type: client.MemberTypeServicePrincipal})
		})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAccBucketIAMBinding_lifecycle(t *testing.T) {
	t.Parallel()
	const bucket = "iam-binding"
	loc := acctest.Location(t)
	viewer := acctest.Server(t).Principal(acctest.RoleViewer).ID
	contributor := acctest.Server(t).Principal(acctest.RoleContributor).ID
	id := fmt.Sprintf("%s:%s:roles/viewer:%s", loc.ProjectID, bucket, viewer)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: bindingConfig(t, bucket, "roles/viewer", viewer),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("resource_name"),
						knownvalue.StringExact("packer/project/"+loc.ProjectID+"/bucket/"+bucket)),
				},
				Check: checkViewer(t, bucket, viewer, true),
			},
			{
				Config:           bindingConfig(t, bucket, "roles/viewer", viewer),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      bindingAddr,
				ImportState:       true,
				ImportStateId:     bucket + ":roles/viewer:" + viewer,
				ImportStateVerify: true,
			},
			{
				ResourceName:      bindingAddr,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			{
				// Another principal bound out of band is not this resource's
				// business; the binding removed out of band is re-created.
				PreConfig: func() {
					addBinding(t, bucket, "roles/viewer", contributor)
					removeBinding(t, bucket, "roles/viewer", viewer)
				},
				Config: bindingConfig(t, bucket, "roles/viewer", viewer),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkViewer(t, bucket, viewer, true),
					checkViewer(t, bucket, contributor, true)),
			},
			{
				// Destroying the binding removes that member only.
				Config: acctest.ProviderBlock(t, acctest.RoleAdmin) + fmt.Sprintf("resource \"hcppacker_bucket\" \"test\" {\n  name = %q\n}\n", bucket),
				Check: resource.ComposeTestCheckFunc(
					checkViewer(t, bucket, viewer, false),
					checkViewer(t, bucket, contributor, true)),
			},
		},
	})
}

func TestAccBucketIAMBinding_invalid(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      bindingConfig(t, "iam-invalid", "roles/owner", "someone"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)value must be one of.*roles/viewer`),
			},
			{
				Config:      bindingConfig(t, "iam-invalid", "roles/viewer", "two words"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`must be the id of an HCP principal`),
			},
			{
				Config:      bindingConfig(t, "iam-invalid", "roles/viewer", "nobody-00000000"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Principal Not Found.*"nobody-00000000"`),
			},
			{
				Config:        bindingConfig(t, "iam-invalid", "roles/viewer", "someone"),
				ResourceName:  bindingAddr,
				ImportState:   true,
				ImportStateId: "iam-invalid:roles/owner:someone",
				ExpectError:   regexp.MustCompile(`Invalid Import ID`),
			},
		},
	})
}
