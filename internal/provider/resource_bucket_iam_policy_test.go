package provider_test

import (
	"fmt"
	"regexp"
	"strings"
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

// policyOnlyConfig sets the whole policy of an existing bucket, as the
// admin; bindings is the HCL list of policy_data's bindings.
func policyOnlyConfig(t *testing.T, bucket, bindings string) string {
	return acctest.ProviderBlock(t, acctest.RoleAdmin) + fmt.Sprintf(`
resource "hcppacker_bucket_iam_policy" "test" {
  bucket_name = %q
  policy_data = jsonencode({ bindings = %s })
}
`, bucket, bindings)
}

// A new policy over a bucket that already has a binding would remove it on
// create: the plan refuses, naming it, until policy_data lists it too.
func TestAccBucketIAMPolicy_newPolicyOverExistingBindings(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("iam-policy-new")
	viewer := acctest.Server(t).Principal(acctest.RoleViewer).ID
	contributor := acctest.Server(t).Principal(acctest.RoleContributor).ID
	acctest.CreateBucket(t, bucket)
	addBinding(t, bucket, "roles/admin", viewer)
	contributorOnly := fmt.Sprintf(`[{ role_id = "roles/viewer", members = [{ member_id = %q }] }]`, contributor)
	both := fmt.Sprintf(`[{ role_id = "roles/viewer", members = [{ member_id = %q }] },
    { role_id = "roles/admin", members = [{ member_id = %q }] }]`, contributor, viewer)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   policyOnlyConfig(t, bucket, contributorOnly),
				PlanOnly: true,
				ExpectError: acctest.ErrorMatching("Bucket IAM Policy Conflicts With Other Bindings", bucket,
					`roles/admin → "`+viewer+`"`, "add them to policy_data to keep them, or remove them in HCP first"),
			},
			{
				Config: policyOnlyConfig(t, bucket, both),
				Check: func(*terraform.State) error {
					if p := bucketPolicy(t, bucket); !p.HasMember("roles/admin", viewer) || !p.HasMember("roles/viewer", contributor) {
						return fmt.Errorf("bucket %q policy = %+v, want both bindings", bucket, p.Bindings)
					}
					return nil
				},
			},
		},
	})
}

// A binding resource applied before the policy in the same run appears
// after the policy's first plan: Terraform plans the policy again during
// the apply, once the binding exists, and that plan refuses to remove it,
// in the same apply, so nothing is written. (The create itself refuses too
// if the binding appears later still; the unit tests time that.)
func TestAccBucketIAMPolicy_bindingAppliedFirstInTheSameRun(t *testing.T) {
	t.Parallel()
	const bucket = "iam-policy-after-binding"
	viewer := acctest.Server(t).Principal(acctest.RoleViewer).ID
	contributor := acctest.Server(t).Principal(acctest.RoleContributor).ID
	binding := fmt.Sprintf(`
resource "hcppacker_bucket_iam_binding" "test" {
  bucket_name  = hcppacker_bucket.test.name
  role         = "roles/contributor"
  principal_id = %q
}
`, contributor)
	config := strings.Replace(policyConfig(t, bucket, "roles/viewer", viewer), "policy_data =",
		"depends_on  = [hcppacker_bucket_iam_binding.test]\n  policy_data =", 1) + binding

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: acctest.ErrorMatching("Error running apply", "Bucket IAM Policy Conflicts With Other Bindings",
					bucket, `roles/contributor → "`+contributor+`"`, "remove the binding resources"),
			},
			{
				// The binding survived the failed apply, alone: the policy
				// wrote nothing. Without the policy nothing is left to do.
				Config: acctest.ProviderBlock(t, acctest.RoleAdmin) +
					fmt.Sprintf("resource \"hcppacker_bucket\" \"test\" {\n  name = %q\n}\n", bucket) + binding,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkOnlyBinding(t, bucket, "roles/contributor", contributor),
			},
		},
	})
}
