package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestVersionDataSourceLooksUpByEachKey(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "hcppacker_version" "by_channel" {
  bucket_name  = "web"
  channel_name = "stable"
}

data "hcppacker_version" "by_fingerprint" {
  bucket_name = "web"
  fingerprint = "fp-revoked"
}

data "hcppacker_version" "by_id" {
  bucket_name = "web"
  id          = %q
}
`, f.v2.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hcppacker_version.by_channel", tfjsonpath.New("id"), knownvalue.StringExact(f.v1.ID)),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_channel", tfjsonpath.New("fingerprint"), knownvalue.StringExact("fp-v1")),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_channel", tfjsonpath.New("name"), knownvalue.StringExact("v1")),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_channel", tfjsonpath.New("author_id"), knownvalue.StringExact("alice")),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_channel", tfjsonpath.New("revoke_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_channel", tfjsonpath.New("revocation_type"), knownvalue.Null()),

				statecheck.ExpectKnownValue("data.hcppacker_version.by_fingerprint", tfjsonpath.New("id"), knownvalue.StringExact(f.revoked.ID)),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_fingerprint", tfjsonpath.New("name"), knownvalue.StringExact("v3")),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_fingerprint", tfjsonpath.New("revoked"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_fingerprint", tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(false)),

				statecheck.ExpectKnownValue("data.hcppacker_version.by_id", tfjsonpath.New("fingerprint"), knownvalue.StringExact("fp-v2")),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_id", tfjsonpath.New("name"), knownvalue.StringExact("v2")),
				statecheck.ExpectKnownValue("data.hcppacker_version.by_id", tfjsonpath.New("author_id"), knownvalue.Null()),
			},
		}},
	})
}

func TestVersionDataSourceErrors(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	version := func(body string) string {
		return "data \"hcppacker_version\" \"x\" {\n" + body + "\n}\n"
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{
			{
				Config:      version(`bucket_name = "web"`),
				ExpectError: textRegexp(`Exactly one of these attributes must be configured: [channel_name,fingerprint,id]`),
			},
			{
				Config:      version(`bucket_name = "web"` + "\n" + `fingerprint = "-bad-"`),
				ExpectError: textRegexp(`must be 1 to 40 characters long`),
			},
			{
				Config:      version(`bucket_name = "b_a_d"` + "\n" + `channel_name = "stable"`),
				ExpectError: textRegexp(`must be 3 to 36 characters long`),
			},
			{
				Config:      version(`bucket_name = "missing"` + "\n" + `channel_name = "stable"`),
				ExpectError: textRegexp(`Bucket "missing" does not exist in project "` + fakeProjectID + `".`),
			},
			{
				Config:      version(`bucket_name = "web"` + "\n" + `fingerprint = "fp-unknown"`),
				ExpectError: textRegexp(`Bucket "web" in project "` + fakeProjectID + `" has no version with fingerprint "fp-unknown".`),
			},
			{
				Config:      version(`bucket_name = "web"` + "\n" + `fingerprint = "fp-running"`),
				ExpectError: textRegexp(`Version v0 (fingerprint "fp-running") of bucket "web" is not complete`),
			},
			{
				Config:      version(`bucket_name = "web"` + "\n" + `channel_name = "pinned-revoked"` + "\n" + `reject_revoked = true`),
				ExpectError: textRegexp(`Version v3 (fingerprint "fp-revoked") of bucket "web", assigned to channel "pinned-revoked", was revoked`),
			},
		},
	})
}
