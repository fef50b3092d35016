package scheduled_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// TestAccImageDataSource_preconditionFollowsRevocation is the seed's safety
// net: a precondition on !revoked lets a scheduled revocation through and
// stops the plan with the user's own message once the revocation takes
// effect, with no change on the registry's side in between. The revocation
// keeps the channel on the version (no rollback), and reject_revoked then
// refuses it naming the channel.
func TestAccImageDataSource_preconditionFollowsRevocation(t *testing.T) {
	bucket := acctest.RandomName("precondition")
	ami := acctest.AMIBuild("us-east-1")
	v1 := acctest.PublishVersion(t, bucket, acctest.WithBuilds(ami))
	revokeAt := acctest.Now().Add(untilEffective).UTC().Truncate(time.Second)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)
	acctest.RevokeVersion(t, bucket, v1.Fingerprint, client.Revocation{At: &revokeAt, Message: "CVE-2026-0001", DisableRollbackChannels: true})
	config := fmt.Sprintf(`
data "hcppacker_image" "app" {
  bucket_name    = %q
  channel        = "stable"
  cloud_provider = "aws"
  region         = "us-east-1"
}

resource "terraform_data" "app" {
  input = data.hcppacker_image.app.cloud_image_id

  lifecycle {
    precondition {
      condition     = !data.hcppacker_image.app.revoked
      error_message = "The golden image is revoked; pick another one before deploying."
    }
  }
}
`, bucket)
	image := "data.hcppacker_image.app"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.app", tfjsonpath.New("output"), knownvalue.StringExact(ami.ExternalIdentifier)),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(image, tfjsonpath.New("revoke_at"), knownvalue.StringExact(revokeAt.Format("2006-01-02T15:04:05.000Z"))),
				},
			},
			{
				PreConfig:   func() { acctest.AdvanceClock(t, effective) },
				Config:      config,
				ExpectError: acctest.ErrorMatching(`The golden image is revoked; pick another one before deploying.`),
			},
			{
				Config: fmt.Sprintf(`
data "hcppacker_version" "stable" {
  bucket_name    = %q
  channel_name   = "stable"
  reject_revoked = true
}
`, bucket),
				ExpectError: acctest.ErrorMatching(fmt.Sprintf(`Version v1 (fingerprint %q) of bucket %q, assigned to channel "stable", was revoked at %s`,
					v1.Fingerprint, bucket, revokeAt.Format(time.RFC3339)), `"CVE-2026-0001"`, `Assign a valid version to channel "stable"`),
			},
		},
	})
}
