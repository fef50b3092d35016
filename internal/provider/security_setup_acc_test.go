package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// TestAccSecuritySetUp_packerPublishesTerraformViewsOneBucket is the golden
// image pipeline's security set-up, end to end: a Packer principal holds
// contributor on the project and publishes; a Terraform principal, bound
// roles/viewer on bucket a alone by an hcppacker_bucket_iam_binding the
// admin applies, may not publish, and its plan reads bucket a and fails on
// bucket b, naming the bucket, the principal and the role it would need.
//
// The steps share one state, so every config keeps the binding. The
// viewer's steps are plan-only, and the last step hands the state back to
// the admin, who destroys the binding.
func TestAccSecuritySetUp_packerPublishesTerraformViewsOneBucket(t *testing.T) {
	t.Parallel()
	packerSP := acctest.NewPrincipal(t, "packer-security-setup")
	terraformSP := acctest.NewPrincipal(t, "terraform-security-setup")
	acctest.GrantProjectRole(t, packerSP.ID, "roles/contributor")
	a, b := acctest.RandomName("security-a"), acctest.RandomName("security-b")
	amiA := acctest.AMIBuild("us-east-1")
	for bucket, build := range map[string]publish.Build{a: amiA, b: acctest.AMIBuild("us-east-1")} {
		if _, err := acctest.PublishAs(t, packerSP, bucket, acctest.WithFingerprint(bucket+"-v1"), acctest.WithBuilds(build)); err != nil {
			t.Fatalf("publish to %q as the Packer principal: %v", bucket, err)
		}
	}

	binding := fmt.Sprintf(`
resource "hcppacker_bucket_iam_binding" "terraform_views_a" {
  bucket_name  = %q
  role         = "roles/viewer"
  principal_id = %q
}
`, a, terraformSP.ID)
	asAdmin := acctest.ProviderBlock(t, acctest.RoleAdmin) + binding
	asTerraform := func(bucket string) string {
		return acctest.ProviderBlockFor(terraformSP) + binding + fmt.Sprintf(`
data "hcppacker_version" "base" {
  bucket_name = %[1]q
  fingerprint = "%[1]s-v1"
}

data "hcppacker_artifact" "base" {
  bucket_name         = %[1]q
  version_fingerprint = data.hcppacker_version.base.fingerprint
  platform            = "aws"
  region              = "us-east-1"
}

output "image_id" {
  value = data.hcppacker_artifact.base.external_identifier
}
`, bucket)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: asAdmin,
				Check: resource.ComposeTestCheckFunc(
					checkViewer(t, a, terraformSP.ID, true),
					publishRefused(t, terraformSP, a, "roles/contributor"),
					publishRefused(t, terraformSP, b, "roles/viewer")),
			},
			{
				// Only the output is new: the plan read bucket a's version
				// and artifact as the viewer and changes nothing.
				Config:             asTerraform(a),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hcppacker_bucket_iam_binding.terraform_views_a", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownOutputValue("image_id", knownvalue.StringExact(amiA.ExternalIdentifier)),
				}},
			},
			{
				// The refusal names the viewer, not the admin or the
				// environment's contributor: the plan ran as the viewer.
				Config:      asTerraform(b),
				PlanOnly:    true,
				ExpectError: acctest.ErrorMatching("Permission Denied", b, terraformSP.Name, "roles/viewer"),
			},
			{
				Config:           asAdmin,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// publishRefused checks that publishing to bucket as principal p, as
// `localhcp publish` does, is refused naming p and the role it would need.
func publishRefused(t *testing.T, p localhcp.Principal, bucket, needs string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := acctest.PublishAs(t, p, bucket)
		if err == nil {
			return fmt.Errorf("%q published to %q, want PermissionDenied", p.Name, bucket)
		}
		if !strings.Contains(err.Error(), "PermissionDenied") ||
			!strings.Contains(err.Error(), fmt.Sprintf("%q", p.Name)) || !strings.Contains(err.Error(), needs) {
			return fmt.Errorf("publishing to %q as %q: %w, want PermissionDenied naming the principal and %s", bucket, p.Name, err, needs)
		}
		return nil
	}
}
