package provider_test

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

func TestAccIterationDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("ds-iteration")
	v1 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)
	acctest.CreateChannel(t, bucket, "empty", "")
	loc := acctest.Location(t)
	// The newest version, with a revocation scheduled, is what latest serves.
	v2 := acctest.PublishVersion(t, bucket)
	revokeAt := acctest.Now().Add(time.Hour).UTC().Truncate(time.Second)
	acctest.RevokeVersion(t, bucket, v2.Fingerprint, client.Revocation{At: &revokeAt})
	iteration := func(channel string) string {
		return fmt.Sprintf(`
data "hcppacker_iteration" "x" {
  bucket_name = %q
  channel     = %q
}
`, bucket, channel)
	}
	inProject := func(projectID string) string {
		return fmt.Sprintf(`
data "hcppacker_iteration" "x" {
  bucket_name = %q
  channel     = "stable"
  project_id  = %q
}
`, bucket, projectID)
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
					statecheck.ExpectKnownValue(it, tfjsonpath.New("author_id"), knownvalue.StringExact(acctest.Server(t).Principal(acctest.RoleContributor).ID)),
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
				// The managed channel follows the newest complete version,
				// in the project named as well as in the provider's.
				Config: iteration("latest") + fmt.Sprintf(`
data "hcppacker_iteration" "in_project" {
  bucket_name = %q
  channel     = "latest"
  project_id  = %q
}
`, bucket, loc.ProjectID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(it, tfjsonpath.New("fingerprint"), knownvalue.StringExact(v2.Fingerprint)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("incremental_version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revoke_at"), knownvalue.StringExact(revokeAt.Format("2006-01-02T15:04:05.000Z"))),
					statecheck.ExpectKnownValue("data.hcppacker_iteration.in_project", tfjsonpath.New("fingerprint"), knownvalue.StringExact(v2.Fingerprint)),
				},
			},
			{
				Config:      inProject("not-a-uuid"),
				ExpectError: errorMatching(`must be an HCP project id (a UUID in lower case, as HCP writes it)`),
			},
			{
				Config:      inProject("4F1E6C52-5A1C-4A5F-9F6E-0C3B1D2A7E88"),
				ExpectError: errorMatching(`must be an HCP project id (a UUID in lower case, as HCP writes it)`),
			},
			{
				Config:      inProject("00000000-0000-4000-8000-000000000000"),
				ExpectError: errorMatching(`Could not resolve HCP project "00000000-0000-4000-8000-000000000000"`),
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
