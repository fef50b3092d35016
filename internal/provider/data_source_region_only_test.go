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

// TestAccDataSources_regionOnlyArtifact reads an artifact that has a region
// but no external_identifier, which HCP accepts: both vocabularies find it
// and report the id as an empty string rather than failing.
func TestAccDataSources_regionOnlyArtifact(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("region-only")
	fingerprint := acctest.PublishRegionOnlyVersion(t, bucket, "aws", "us-east-1")
	acctest.CreateChannel(t, bucket, "stable", fingerprint)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "hcppacker_artifact" "x" {
  bucket_name  = %[1]q
  channel_name = "stable"
  platform     = "aws"
  region       = "us-east-1"
}

data "hcppacker_image" "x" {
  bucket_name    = %[1]q
  channel        = "stable"
  cloud_provider = "aws"
  region         = "us-east-1"
}
`, bucket),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hcppacker_artifact.x", tfjsonpath.New("external_identifier"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue("data.hcppacker_artifact.x", tfjsonpath.New("region"), knownvalue.StringExact("us-east-1")),
				statecheck.ExpectKnownValue("data.hcppacker_artifact.x", tfjsonpath.New("version_fingerprint"), knownvalue.StringExact(fingerprint)),
				statecheck.ExpectKnownValue("data.hcppacker_image.x", tfjsonpath.New("cloud_image_id"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue("data.hcppacker_image.x", tfjsonpath.New("region"), knownvalue.StringExact("us-east-1")),
			},
		}},
	})
}
