package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestArtifactDataSourceLooksUpByEachKey(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	labelled := "data.hcppacker_artifact.by_labels"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "hcppacker_artifact" "by_labels" {
  bucket_name  = "web"
  channel_name = "edge"
  platform     = "aws"
  region       = "us-east-1"
  labels       = { arch = "arm64" }
}

data "hcppacker_artifact" "by_fingerprint" {
  bucket_name         = "web"
  version_fingerprint = "fp-v1"
  platform            = "aws"
  region              = "us-west-2"
}

data "hcppacker_artifact" "by_id" {
  bucket_name    = "web"
  version_id     = %q
  platform       = "aws"
  region         = "us-east-1"
  component_type = "amazon-ebs.amd"
}
`, f.v2.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("external_identifier"), knownvalue.StringExact("ami-arm")),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("id"), knownvalue.StringExact(f.v2.Builds[1].Artifacts[0].ID)),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("build_id"), knownvalue.StringExact(f.v2.Builds[1].ID)),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("component_type"), knownvalue.StringExact("amazon-ebs.arm")),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("version_fingerprint"), knownvalue.StringExact("fp-v2")),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("version_id"), knownvalue.StringExact(f.v2.ID)),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("version_name"), knownvalue.StringExact("v2")),
				// labels stays what the config says; the build's own labels are in build_labels.
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
					"arch": knownvalue.StringExact("arm64"),
				})),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("build_labels"), knownvalue.MapExact(map[string]knownvalue.Check{
					"arch": knownvalue.StringExact("arm64"), "os": knownvalue.StringExact("ubuntu"),
				})),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("packer_run_uuid"), knownvalue.Null()),
				statecheck.ExpectKnownValue(labelled, tfjsonpath.New("revoke_at"), knownvalue.Null()),

				statecheck.ExpectKnownValue("data.hcppacker_artifact.by_fingerprint", tfjsonpath.New("external_identifier"), knownvalue.StringExact("ami-112")),
				statecheck.ExpectKnownValue("data.hcppacker_artifact.by_fingerprint", tfjsonpath.New("version_id"), knownvalue.StringExact(f.v1.ID)),
				statecheck.ExpectKnownValue("data.hcppacker_artifact.by_fingerprint", tfjsonpath.New("labels"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.hcppacker_artifact.by_fingerprint", tfjsonpath.New("created_at"), knownvalue.StringExact("2026-03-01T12:00:00.000Z")),

				statecheck.ExpectKnownValue("data.hcppacker_artifact.by_id", tfjsonpath.New("external_identifier"), knownvalue.StringExact("ami-amd")),
				statecheck.ExpectKnownValue("data.hcppacker_artifact.by_id", tfjsonpath.New("version_fingerprint"), knownvalue.StringExact("fp-v2")),
			},
		}},
	})
}

func TestArtifactDataSourceErrors(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	artifact := func(body string) string {
		return "data \"hcppacker_artifact\" \"x\" {\n  bucket_name = \"web\"\n  platform = \"aws\"\n" + body + "\n}\n"
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{
			{
				Config:      artifact(`region = "us-east-1"` + "\n" + `channel_name = "stable"` + "\n" + `version_id = "` + f.v1.ID + `"`),
				ExpectError: textRegexp(`Exactly one of these attributes must be configured: [channel_name,version_fingerprint,version_id]`),
			},
			{
				Config:      artifact(`region = ""` + "\n" + `channel_name = "stable"`),
				ExpectError: textRegexp(`Attribute region string length must be at least 1`),
			},
			{
				Config: artifact(`region = "us-east-1"` + "\n" + `channel_name = "edge"`),
				ExpectError: textRegexp(`2 artifacts of version v2 (fingerprint "fp-v2") of bucket "web", assigned to channel "edge", match ` +
					`platform = "aws", region = "us-east-1", and the provider does not guess which one you mean`),
			},
			{
				Config:      artifact(`region = "eu-central-1"` + "\n" + `channel_name = "stable"` + "\n" + `labels = { os = "ubuntu" }`),
				ExpectError: textRegexp(`has no artifact with platform = "aws", region = "eu-central-1", labels ⊆ {os="ubuntu"}.`),
			},
			{
				Config:      artifact(`region = "us-east-1"` + "\n" + `channel_name = "latest"` + "\n" + `labels = { os = "debian" }`),
				ExpectError: textRegexp(`Artifact Not Found`),
			},
		},
	})
}
