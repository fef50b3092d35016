package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// TestAccCoalescing_readAfterAssignmentSeesTheNewVersion checks, end to end,
// that the provider's per-operation read cache gives way to its own writes.
// In one apply, "before" reads channel stable (deferred to the apply by its
// dependency on a resource created there), then the assignment moves
// stable to v2, then "after" reads stable again. Without the assignment
// dropping the cached channel, "after" would still see v1.
func TestAccCoalescing_readAfterAssignmentSeesTheNewVersion(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("bucket")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)

	config := fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = "read the channel during the apply"
}

data "hcppacker_image" "before" {
  bucket_name    = %[1]q
  channel        = "stable"
  cloud_provider = "aws"
  region         = "us-east-1"
  depends_on     = [terraform_data.trigger]
}

resource "hcppacker_channel_assignment" "stable" {
  bucket_name         = %[1]q
  channel_name        = "stable"
  version_fingerprint = %[2]q
  depends_on          = [data.hcppacker_image.before]
}

data "hcppacker_image" "after" {
  bucket_name    = hcppacker_channel_assignment.stable.bucket_name
  channel        = hcppacker_channel_assignment.stable.channel_name
  cloud_provider = "aws"
  region         = "us-east-1"
}
`, bucket, v2.Fingerprint)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hcppacker_image.before", tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
				statecheck.ExpectKnownValue("data.hcppacker_image.after", tfjsonpath.New("fingerprint"), knownvalue.StringExact(v2.Fingerprint)),
			},
		}},
	})
}
