package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// publishThreeAMIs publishes a version with two aws builds in us-east-1
// (told apart by component type and labels) and one in us-west-2.
func publishThreeAMIs(t *testing.T, bucket string) *publish.Result {
	t.Helper()
	return acctest.PublishVersion(t, bucket, acctest.WithBuilds(
		publish.Build{ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0east",
			Labels: map[string]string{"os": "ubuntu", "arch": "amd64"}},
		publish.Build{ComponentType: "amazon-ebs.arm", Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0arm",
			Labels: map[string]string{"os": "ubuntu", "arch": "arm64"}},
		publish.Build{ComponentType: "amazon-ebs.west", Platform: "aws", Region: "us-west-2", ExternalIdentifier: "ami-0west"},
	))
}

func TestAccImageDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("ds-image")
	v1 := publishThreeAMIs(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)
	v2 := acctest.PublishVersion(t, bucket)
	acctest.RevokeVersion(t, bucket, v2.Fingerprint, client.Revocation{Message: "CVE-2026-1234"})
	acctest.CreateChannel(t, bucket, "unassigned", "")
	published, err := acctest.Client(t).GetVersion(context.Background(), acctest.Location(t), bucket, v1.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	loc, contributor := acctest.Location(t), acctest.Server(t).Principal(acctest.RoleContributor)

	image := func(key, region, extra string) string {
		return fmt.Sprintf(`
data "hcppacker_image" "x" {
  bucket_name    = %q
  cloud_provider = "aws"
  region         = %q
  %s
  %s
}
`, bucket, region, key, extra)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "hcppacker_image" "by_channel" {
  bucket_name    = %[1]q
  channel        = "stable"
  cloud_provider = "aws"
  region         = "us-east-1"
  component_type = "amazon-ebs.ubuntu"
}

data "hcppacker_image" "by_iteration_id" {
  bucket_name    = %[1]q
  iteration_id   = %[2]q
  cloud_provider = "aws"
  region         = "us-west-2"
}

data "hcppacker_image" "by_fingerprint" {
  bucket_name    = %[1]q
  fingerprint    = %[3]q
  cloud_provider = "aws"
  region         = "us-east-1"
}
`, bucket, v1.VersionID, v2.Fingerprint),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("cloud_image_id"), knownvalue.StringExact("ami-0east")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("iteration_id"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("build_id"), knownvalue.StringExact(v1.BuildIDs[0])),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("component_type"), knownvalue.StringExact("amazon-ebs.ubuntu")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("packer_run_uuid"), knownvalue.StringExact(published.Builds[0].PackerRunUUID)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("project_id"), knownvalue.StringExact(loc.ProjectID)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("organization_id"), knownvalue.StringExact(loc.OrganizationID)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("status"), knownvalue.StringExact("VERSION_ACTIVE")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("revocation_message"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("reject_revoked"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"os": knownvalue.StringExact("ubuntu"), "arch": knownvalue.StringExact("amd64"),
					})),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("revoke_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_channel", tfjsonpath.New("revoked"), knownvalue.Bool(false)),

					statecheck.ExpectKnownValue("data.hcppacker_image.by_iteration_id", tfjsonpath.New("cloud_image_id"), knownvalue.StringExact("ami-0west")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_iteration_id", tfjsonpath.New("component_type"), knownvalue.StringExact("amazon-ebs.west")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_iteration_id", tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{})),

					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("iteration_id"), knownvalue.StringExact(v2.VersionID)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("status"), knownvalue.StringExact("VERSION_REVOKED")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("revoked"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("revoke_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("revocation_message"), knownvalue.StringExact("CVE-2026-1234")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("revocation_type"), knownvalue.StringExact("MANUAL")),
					statecheck.ExpectKnownValue("data.hcppacker_image.by_fingerprint", tfjsonpath.New("revocation_author"), knownvalue.StringExact(contributor.ID)),
				},
			},
			{
				Config:      image("", "us-east-1", ""),
				ExpectError: errorMatching(`Exactly one of these attributes must be configured: [channel,iteration_id,fingerprint]`),
			},
			{
				Config:      image(`channel = "stable"`, "us-east-1", fmt.Sprintf("fingerprint = %q", v1.Fingerprint)),
				ExpectError: errorMatching(`Invalid Attribute Combination`),
			},
			{
				Config:      image(`iteration_id = "v3"`, "us-east-1", ""),
				ExpectError: errorMatching(`must be a version id: a 26-character ULID`),
			},
			{
				Config:      image(`channel = "no"`, "us-east-1", ""),
				ExpectError: errorMatching(`must be 3 to 36 characters long`),
			},
			{
				Config:      image(`channel = "unassigned"`, "us-east-1", ""),
				ExpectError: errorMatching(fmt.Sprintf(`Channel "unassigned" of bucket %q has no version assigned.`, bucket)),
			},
			{
				Config: image(`channel = "stable"`, "us-east-1", ""),
				ExpectError: errorMatching(fmt.Sprintf(`2 artifacts of version v1 (fingerprint %q) of bucket %q, assigned to channel "stable", match `+
					`cloud_provider = "aws", region = "us-east-1"`, v1.Fingerprint, bucket)),
			},
			{
				Config:      image(`channel = "stable"`, "us-east-1", ""),
				ExpectError: errorMatching(`component_type "amazon-ebs.arm", external id "ami-0arm"`),
			},
			{
				Config: image(`channel = "stable"`, "eu-west-1", ""),
				ExpectError: errorMatching(`has no artifact with cloud_provider = "aws", region = "eu-west-1". An artifact is never taken from ` +
					`another region than the one asked for.`),
			},
			{
				Config:      image(`channel = "stable"`, "eu-west-1", ""),
				ExpectError: errorMatching(`cloud_provider "aws", region "us-west-2", component_type "amazon-ebs.west"`),
			},
			{
				Config: image(fmt.Sprintf(`fingerprint = %q`, v2.Fingerprint), "us-east-1", "reject_revoked = true"),
				ExpectError: errorMatching(fmt.Sprintf(`Version v2 (fingerprint %q) of bucket %q was revoked at`, v2.Fingerprint, bucket),
					`(message "CVE-2026-1234"). reject_revoked is true`),
			},
			{
				Config:      image(`iteration_id = "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V"`, "us-east-1", ""),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q has no version with id "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V" (it has 2 versions).`, bucket)),
			},
		},
	})
}
