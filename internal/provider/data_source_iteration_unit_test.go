package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestIterationDataSource(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	it := "data.hcppacker_iteration.stable"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{
			{
				Config: `
data "hcppacker_iteration" "stable" {
  bucket_name = "web"
  channel     = "stable"
}

data "hcppacker_iteration" "latest" {
  bucket_name = "web"
  channel     = "latest"
  project_id  = "` + fakeProjectID + `"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(it, tfjsonpath.New("id"), knownvalue.StringExact(f.v1.ID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("ulid"), knownvalue.StringExact(f.v1.ID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("fingerprint"), knownvalue.StringExact("fp-v1")),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("incremental_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("author_id"), knownvalue.StringExact("alice")),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("created_at"), knownvalue.StringExact("2026-03-01T12:00:00.000Z")),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("updated_at"), knownvalue.StringExact("2026-03-01T12:00:00.000Z")),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("project_id"), knownvalue.StringExact(fakeProjectID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("organization_id"), knownvalue.StringExact(fakeOrganizationID)),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revoke_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(it, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.hcppacker_iteration.latest", tfjsonpath.New("incremental_version"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue("data.hcppacker_iteration.latest", tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.hcppacker_iteration.latest", tfjsonpath.New("revoke_at"), knownvalue.StringExact("2026-03-01T13:00:00.000Z")),
				},
			},
			{
				Config: `
data "hcppacker_iteration" "x" {
  bucket_name = "web"
  channel     = "stable"
  project_id  = "not-a-uuid"
}
`,
				ExpectError: textRegexp(`must be an HCP project id (a UUID in lower case`),
			},
			{
				Config: `
data "hcppacker_iteration" "x" {
  bucket_name = "web"
  channel     = "stable"
  project_id  = "4F1E6C52-5A1C-4A5F-9F6E-0C3B1D2A7E88"
}
`,
				ExpectError: textRegexp(`must be an HCP project id (a UUID in lower case`),
			},
			{
				Config: `
data "hcppacker_iteration" "x" {
  bucket_name = "web"
  channel     = "production"
}
`,
				ExpectError: textRegexp(`Bucket "web" has no channel "production".`),
			},
			{
				Config: `
data "hcppacker_iteration" "x" {
  bucket_name = "web"
  channel     = "stable"
  project_id  = "00000000-0000-4000-8000-000000000000"
}
`,
				ExpectError: textRegexp(`Could not resolve HCP project "00000000-0000-4000-8000-000000000000"`),
			},
		},
	})
}
