package provider_test

import (
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
)

const policyAddr = "hcppacker_bucket_iam_policy.test"

// policyConfig makes a bucket whose whole policy grants role to principals.
func policyConfig(t *testing.T, bucket, role string, principals ...string) string {
	members := ""
	for _, p := range principals {
		members += fmt.Sprintf("{ member_id = %q, member_type = \"SERVICE_PRINCIPAL\" },", p)
	}
	return acctest.ProviderBlock(t, acctest.RoleAdmin) + fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name = %q
}

resource "hcppacker_bucket_iam_policy" "test" {
  bucket_name = hcppacker_bucket.test.name
  policy_data = jsonencode({ bindings = [{ role_id = %q, members = [%s] }] })
}
`, bucket, role, members)
}

func checkOnlyBinding(t *testing.T, bucket, role string, principals ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p := bucketPolicy(t, bucket)
		if len(p.Bindings) != 1 || p.Bindings[0].Role != role || len(p.Bindings[0].Members) != len(principals) {
			return fmt.Errorf("bucket %q policy = %+v, want %s for %v alone", bucket, p.Bindings, role, principals)
		}
		for _, id := range principals {
			if !p.HasMember(role, id) {
				return fmt.Errorf("bucket %q: %q does not hold %s", bucket, id, role)
			}
		}
		return nil
	}
}

func TestAccBucketIAMPolicy_lifecycle(t *testing.T) {
	t.Parallel()
	const bucket = "iam-policy"
	viewer := acctest.Server(t).Principal(acctest.RoleViewer).ID
	contributor := acctest.Server(t).Principal(acctest.RoleContributor).ID

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: policyConfig(t, bucket, "roles/viewer", viewer),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("etag"), knownvalue.StringRegexp(regexp.MustCompile(`.`))),
				},
				Check: checkOnlyBinding(t, bucket, "roles/viewer", viewer),
			},
			{
				Config:           policyConfig(t, bucket, "roles/viewer", viewer),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      policyAddr,
				ImportState:       true,
				ImportStateId:     "packer/project/" + acctest.Location(t).ProjectID + "/bucket/" + bucket,
				ImportStateVerify: true,
			},
			{
				Config: policyConfig(t, bucket, "roles/contributor", contributor, viewer),
				Check:  checkOnlyBinding(t, bucket, "roles/contributor", contributor, viewer),
			},
			{
				// A binding added behind the policy's back is refused with
				// its name, not silently fought over.
				PreConfig:   func() { addBinding(t, bucket, "roles/admin", viewer) },
				Config:      policyConfig(t, bucket, "roles/viewer", viewer),
				ExpectError: regexp.MustCompile(`(?s)Bucket IAM Policy Conflicts With Other Bindings.*roles/admin → "` + regexp.QuoteMeta(viewer)),
			},
			{
				PreConfig: func() { removeBinding(t, bucket, "roles/admin", viewer) },
				Config:    acctest.ProviderBlock(t, acctest.RoleAdmin) + fmt.Sprintf("resource \"hcppacker_bucket\" \"test\" {\n  name = %q\n}\n", bucket),
				Check: func(*terraform.State) error {
					if p := bucketPolicy(t, bucket); len(p.Bindings) != 0 {
						return fmt.Errorf("destroying the policy left %+v", p.Bindings)
					}
					return nil
				},
			},
		},
	})
}

// A policy and a binding resource on one bucket: the plan after the first
// apply names the binding and says what to do.
func TestAccBucketIAMPolicy_conflictsWithBinding(t *testing.T) {
	t.Parallel()
	const bucket = "iam-policy-conflict"
	viewer := acctest.Server(t).Principal(acctest.RoleViewer).ID
	contributor := acctest.Server(t).Principal(acctest.RoleContributor).ID
	config := policyConfig(t, bucket, "roles/viewer", viewer) + fmt.Sprintf(`
resource "hcppacker_bucket_iam_binding" "test" {
  bucket_name  = hcppacker_bucket.test.name
  role         = "roles/contributor"
  principal_id = %q
  depends_on   = [hcppacker_bucket_iam_policy.test]
}
`, contributor)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ExpectNonEmptyPlan: true,
				ExpectError: regexp.MustCompile(`(?s)Conflicts With Other Bindings.*roles/contributor → "` +
					regexp.QuoteMeta(contributor) + `".*remove the binding resources`),
			},
		},
	})
}
