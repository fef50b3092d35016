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

func TestAccIterationDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("ds-iteration")
	v1 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)
	acctest.CreateChannel(t, bucket, "empty", "")
	loc := acctest.Location(t)
	iteration := func(channel string) string {
		return fmt.Sprintf(`
data "hcppacker_iteration" "x" {
  bucket_name = %q
  channel     = %q
}
`, bucket, channel)
	}
	it := "data.hcppacker_iteration.x"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: iteration("stable"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(it, tfjsonpath.New("id"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("ulid"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("incremental_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("author_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("project_id"), knownvalue.StringExact(loc.ProjectID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("organization_id"), knownvalue.StringExact(loc.OrganizationID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("status"), knownvalue.StringExact("VERSION_ACTIVE")),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revoke_at"), knownvalue.Null()),
				},
			},
			{
				// The managed channel follows the newest complete version.
				Config: iteration("latest"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(it, tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
				},
			},
			{
				Config:      iteration("empty"),
				ExpectError: errorMatching(fmt.Sprintf(`Channel "empty" of bucket %q has no version assigned. Assign a version to it with the hcppacker_channel_assignment resource.`, bucket)),
			},
			{
				Config:      iteration("production"),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q has no channel "production".`, bucket)),
			},
			{
				Config: fmt.Sprintf(`
data "hcppacker_iteration" "x" {
  bucket_name = %q
  channel     = "stable"
}
`, bucket+"-missing"),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q does not exist in project %q.`, bucket+"-missing", loc.ProjectID)),
			},
		},
	})
}
