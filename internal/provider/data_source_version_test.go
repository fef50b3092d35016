package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

func TestAccVersionDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("ds-version")
	v1 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)
	acctest.RevokeVersion(t, bucket, v1.Fingerprint, client.Revocation{In: "1h", Message: "end of support"})
	v2 := acctest.PublishVersion(t, bucket)
	acctest.RevokeVersion(t, bucket, v2.Fingerprint, client.Revocation{Message: "CVE-2026-4321"})
	v3 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, "edge", v3.Fingerprint)
	unfinished := acctest.StartVersion(t, bucket)

	version := func(body string) string {
		return fmt.Sprintf("data \"hcppacker_version\" \"x\" {\n  bucket_name = %q\n  %s\n}\n", bucket, body)
	}
	scheduled, revoked, byID := "data.hcppacker_version.by_channel", "data.hcppacker_version.by_fingerprint", "data.hcppacker_version.by_id"
	active := "data.hcppacker_version.active"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "hcppacker_version" "by_channel" {
  bucket_name    = %[1]q
  channel_name   = "stable"
  reject_revoked = true # a scheduled revocation only warns
}

data "hcppacker_version" "by_fingerprint" {
  bucket_name = %[1]q
  fingerprint = %[2]q
}

data "hcppacker_version" "by_id" {
  bucket_name = %[1]q
  id          = %[3]q
}

data "hcppacker_version" "active" {
  bucket_name  = %[1]q
  channel_name = "edge"
}
`, bucket, v2.Fingerprint, v1.VersionID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("id"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("name"), knownvalue.StringExact("v1")),
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("status"), knownvalue.StringExact("VERSION_REVOCATION_SCHEDULED")),
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("revoke_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(scheduled, tfjsonpath.New("revocation_message"), knownvalue.StringExact("end of support")),

					statecheck.ExpectKnownValue(revoked, tfjsonpath.New("id"), knownvalue.StringExact(v2.VersionID)),
					statecheck.ExpectKnownValue(revoked, tfjsonpath.New("name"), knownvalue.StringExact("v2")),
					statecheck.ExpectKnownValue(revoked, tfjsonpath.New("status"), knownvalue.StringExact("VERSION_REVOKED")),
					statecheck.ExpectKnownValue(revoked, tfjsonpath.New("revoked"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(revoked, tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(revoked, tfjsonpath.New("revocation_message"), knownvalue.StringExact("CVE-2026-4321")),
					statecheck.ExpectKnownValue(revoked, tfjsonpath.New("revocation_type"), knownvalue.StringExact("MANUAL")),

					statecheck.ExpectKnownValue(byID, tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("author_id"), knownvalue.StringExact(acctest.Server(t).Principal(acctest.RoleContributor).ID)),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339Millis)),

					statecheck.ExpectKnownValue(active, tfjsonpath.New("fingerprint"), knownvalue.StringExact(v3.Fingerprint)),
					statecheck.ExpectKnownValue(active, tfjsonpath.New("name"), knownvalue.StringExact("v3")),
					statecheck.ExpectKnownValue(active, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(active, tfjsonpath.New("revoke_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(active, tfjsonpath.New("revocation_type"), knownvalue.Null()),
				},
			},
			{
				Config:      version(""),
				ExpectError: errorMatching(`Exactly one of these attributes must be configured: [channel_name,fingerprint,id]`),
			},
			{
				Config:      version(`fingerprint = "-bad-"`),
				ExpectError: errorMatching(`must be 1 to 40 characters long`),
			},
			{
				Config:      `data "hcppacker_version" "x" {` + "\n" + `bucket_name = "b_a_d"` + "\n" + `channel_name = "stable"` + "\n}\n",
				ExpectError: errorMatching(`must be 3 to 36 characters long`),
			},
			{
				Config:      fmt.Sprintf("data \"hcppacker_version\" \"x\" {\n  bucket_name = %q\n  channel_name = \"stable\"\n}\n", bucket+"-missing"),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q does not exist in project %q.`, bucket+"-missing", acctest.Location(t).ProjectID)),
			},
			{
				Config: version(`fingerprint = "no-such-fingerprint"`),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q in project %q has no version with fingerprint "no-such-fingerprint".`,
					bucket, acctest.Location(t).ProjectID)),
			},
			{
				Config:      version(`channel_name = "canary"`),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q has no channel "canary".`, bucket)),
			},
			{
				Config: version(fmt.Sprintf("fingerprint = %q", unfinished)),
				ExpectError: errorMatching(fmt.Sprintf(`Version v0 (fingerprint %q) of bucket %q is not complete: its status is VERSION_RUNNING`, unfinished, bucket),
					`HCP_PACKER_BUILD_FINGERPRINT=`+unfinished),
			},
			{
				Config:      version(fmt.Sprintf("fingerprint = %q\n  reject_revoked = true", v2.Fingerprint)),
				ExpectError: errorMatching(fmt.Sprintf(`Version v2 (fingerprint %q) of bucket %q was revoked at`, v2.Fingerprint, bucket)),
			},
		},
	})
}
