package scheduled_test

import (
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

// seedFlowConfig is the golden-image pipeline of the project's seed: a
// `stable` channel assigned by Terraform, its image fed into a deployment
// (terraform_data stands in for aws_instance), and a precondition that
// refuses a revoked image with the user's own message. With revocation set,
// a hcppacker_version_revocation of the assigned version is added and the
// image is read after it.
func seedFlowConfig(bucket, fingerprint, revocation string) string {
	dependsOn := ""
	if revocation != "" {
		dependsOn = "depends_on = [hcppacker_version_revocation.release]"
	}
	return fmt.Sprintf(`
resource "hcppacker_channel" "stable" {
  bucket_name = %[1]q
  name        = "stable"
}

resource "hcppacker_channel_assignment" "stable" {
  bucket_name         = hcppacker_channel.stable.bucket_name
  channel_name        = hcppacker_channel.stable.name
  version_fingerprint = %[2]q
}

%[3]s

data "hcppacker_image" "app" {
  bucket_name    = hcppacker_channel_assignment.stable.bucket_name
  channel        = hcppacker_channel_assignment.stable.channel_name
  cloud_provider = "aws"
  region         = "us-east-1"
  %[4]s
}

resource "terraform_data" "app" {
  input = data.hcppacker_image.app.cloud_image_id

  lifecycle {
    precondition {
      condition     = !data.hcppacker_image.app.revoked
      error_message = "Refusing to deploy ${data.hcppacker_image.app.cloud_image_id}: the stable golden image is revoked."
    }
  }
}
`, bucket, fingerprint, revocation, dependsOn)
}

func TestAccSeedFlow_revokedImageStopsThePlan(t *testing.T) {
	acctest.PreCheck(t)
	bucket := acctest.RandomName("seed-flow")
	ami := func(id string) acctest.PublishOption {
		return acctest.WithBuilds(publish.Build{ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Region: "us-east-1", ExternalIdentifier: id})
	}
	acctest.PublishVersion(t, bucket, ami("ami-0release1"))
	v2 := acctest.PublishVersion(t, bucket, ami("ami-0release2"))

	scheduled := fmt.Sprintf(`
resource "hcppacker_version_revocation" "release" {
  bucket_name         = %q
  version_fingerprint = %q
  revoke_in           = "1h"
  message             = "Kernel CVE: rebuild before the deadline"
}
`, bucket, v2.Fingerprint)
	image := "data.hcppacker_image.app"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Publish, create stable, assign, deploy the image.
				Config: seedFlowConfig(bucket, v2.Fingerprint, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.app", tfjsonpath.New("output"), knownvalue.StringExact("ami-0release2")),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revoke_at"), knownvalue.Null()),
				},
			},
			{
				// A revocation scheduled for later passes the same precondition.
				Config: seedFlowConfig(bucket, v2.Fingerprint, scheduled),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.app", tfjsonpath.New("output"), knownvalue.StringExact("ami-0release2")),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revoke_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revocation_message"), knownvalue.StringExact("Kernel CVE: rebuild before the deadline")),
				},
			},
			{
				// Dropping the revocation resource restores the version.
				Config: seedFlowConfig(bucket, v2.Fingerprint, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.app", tfjsonpath.New("output"), knownvalue.StringExact("ami-0release2")),
				},
			},
			{
				// The revocation takes effect while the channel keeps the
				// version (rollback disabled): the next plan stops with the
				// user's own message.
				PreConfig: func() {
					at := acctest.Now().Add(untilEffective)
					acctest.RevokeVersion(t, bucket, v2.Fingerprint, client.Revocation{
						At: &at, Message: "Kernel CVE", DisableRollbackChannels: true,
					})
					acctest.AdvanceClock(t, effective)
					requireStatus(t, bucket, v2.Fingerprint, client.VersionStatusRevoked)
				},
				Config:      seedFlowConfig(bucket, v2.Fingerprint, ""),
				ExpectError: acctest.ErrorMatching(`Refusing to deploy ami-0release2: the stable golden image is revoked.`),
			},
		},
	})
}
