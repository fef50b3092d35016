package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// iamPolicyDataConfig feeds hcppacker_iam_policy for principals into a
// bucket's policy.
func iamPolicyDataConfig(t *testing.T, bucket string, principals ...string) string {
	list := ""
	for _, p := range principals {
		list += fmt.Sprintf("%q, ", p)
	}
	return acctest.ProviderBlock(t, acctest.RoleAdmin) + fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name = %q
}

data "hcppacker_iam_policy" "test" {
  bindings = [{ role = "roles/viewer", principals = [%s] }]
}

resource "hcppacker_bucket_iam_policy" "test" {
  bucket_name = hcppacker_bucket.test.name
  policy_data = data.hcppacker_iam_policy.test.policy_data
}
`, bucket, list)
}

func TestAccIAMPolicyDataSource(t *testing.T) {
	t.Parallel()
	const bucket = "iam-policy-data"
	viewer := acctest.Server(t).Principal(acctest.RoleViewer).ID
	want := `{"bindings":[{"members":[{"member_id":"` + viewer + `","member_type":"SERVICE_PRINCIPAL"}],"role_id":"roles/viewer"}]}`

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: iamPolicyDataConfig(t, bucket, viewer),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hcppacker_iam_policy.test", tfjsonpath.New("policy_data"), knownvalue.StringExact(want)),
				},
				Check: checkOnlyBinding(t, bucket, "roles/viewer", viewer),
			},
			{
				Config:           iamPolicyDataConfig(t, bucket, viewer),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:      iamPolicyDataConfig(t, bucket, viewer, "nobody-00000000"),
				ExpectError: regexp.MustCompile(`(?s)Unable to Read IAM Policy.*"nobody-00000000"`),
			},
		},
	})
}
