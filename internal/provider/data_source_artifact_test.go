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

func TestAccArtifactDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("ds-artifact")
	v1 := publishThreeAMIs(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)

	artifact := func(region, extra string) string {
		return fmt.Sprintf(`
data "hcppacker_artifact" "x" {
  bucket_name  = %q
  channel_name = "stable"
  platform     = "aws"
  region       = %q
  %s
}
`, bucket, region, extra)
	}
	arm := "data.hcppacker_artifact.by_labels"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "hcppacker_artifact" "by_labels" {
  bucket_name  = %[1]q
  channel_name = "stable"
  platform     = "aws"
  region       = "us-east-1"
  labels       = { arch = "arm64" }
}

data "hcppacker_artifact" "by_fingerprint" {
  bucket_name         = %[1]q
  version_fingerprint = %[2]q
  platform            = "aws"
  region              = "us-east-1"
  component_type      = "amazon-ebs.ubuntu"
}

data "hcppacker_artifact" "by_id" {
  bucket_name = %[1]q
  version_id  = %[3]q
  platform    = "aws"
  region      = "us-west-2"
}
`, bucket, v1.Fingerprint, v1.VersionID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("external_identifier"), knownvalue.StringExact("ami-0arm")),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("component_type"), knownvalue.StringExact("amazon-ebs.arm")),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"arch": knownvalue.StringExact("arm64"),
					})),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("build_labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"arch": knownvalue.StringExact("arm64"), "os": knownvalue.StringExact("ubuntu"),
					})),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("version_fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("version_id"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("version_name"), knownvalue.StringExact("v1")),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("build_id"), knownvalue.StringExact(v1.BuildIDs[1])),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("packer_run_uuid"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(arm, tfjsonpath.New("revoke_at"), knownvalue.Null()),

					statecheck.ExpectKnownValue("data.hcppacker_artifact.by_fingerprint", tfjsonpath.New("external_identifier"), knownvalue.StringExact("ami-0east")),
					statecheck.ExpectKnownValue("data.hcppacker_artifact.by_fingerprint", tfjsonpath.New("version_id"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue("data.hcppacker_artifact.by_id", tfjsonpath.New("external_identifier"), knownvalue.StringExact("ami-0west")),
					statecheck.ExpectKnownValue("data.hcppacker_artifact.by_id", tfjsonpath.New("labels"), knownvalue.Null()),
				},
			},
			{
				Config:      artifact("us-east-1", `version_id = "`+v1.VersionID+`"`),
				ExpectError: errorMatching(`Exactly one of these attributes must be configured: [channel_name,version_fingerprint,version_id]`),
			},
			{
				Config:      artifact("", ""),
				ExpectError: errorMatching(`Attribute region string length must be at least 1`),
			},
			{
				Config: artifact("us-east-1", ""),
				ExpectError: errorMatching(fmt.Sprintf(`2 artifacts of version v1 (fingerprint %q) of bucket %q, assigned to channel "stable", match `+
					`platform = "aws", region = "us-east-1", and the provider does not guess which one you mean`, v1.Fingerprint, bucket)),
			},
			{
				Config:      artifact("eu-central-1", `labels = { os = "ubuntu" }`),
				ExpectError: errorMatching(`has no artifact with platform = "aws", region = "eu-central-1", labels ⊆ {os="ubuntu"}.`),
			},
			{
				Config:      artifact("us-east-1", `labels = { os = "ubuntu" }`),
				ExpectError: errorMatching(`match platform = "aws", region = "us-east-1", labels ⊆ {os="ubuntu"}, and the provider does not guess`),
			},
			{
				Config:      artifact("us-east-1", `labels = { arch = "s390x" }`),
				ExpectError: errorMatching(`platform "aws", region "us-east-1", component_type "amazon-ebs.arm", labels {arch="arm64", os="ubuntu"}`),
			},
		},
	})
}
