package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestImageDataSourceLooksUpByEachKey(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	byChannel := "data.hcppacker_image.by_channel"
	byID := "data.hcppacker_image.by_iteration_id"
	byFingerprint := "data.hcppacker_image.by_fingerprint"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "hcppacker_image" "by_channel" {
  bucket_name    = "web"
  channel        = "stable"
  cloud_provider = "aws"
  region         = "us-east-1"
}

data "hcppacker_image" "by_iteration_id" {
  bucket_name    = "web"
  iteration_id   = %q
  cloud_provider = "aws"
  region         = "us-east-1"
  component_type = "amazon-ebs.arm"
}

data "hcppacker_image" "by_fingerprint" {
  bucket_name    = "web"
  fingerprint    = "fp-revoked"
  cloud_provider = "aws"
  region         = "us-east-1"
}
`, f.v2.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("cloud_image_id"), knownvalue.StringExact("ami-111")),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("id"), knownvalue.StringExact(f.v1.Builds[0].Artifacts[0].ID)),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("iteration_id"), knownvalue.StringExact(f.v1.ID)),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("fingerprint"), knownvalue.StringExact("fp-v1")),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("build_id"), knownvalue.StringExact(f.v1.Builds[0].ID)),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("component_type"), knownvalue.StringExact("amazon-ebs.ubuntu")),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("packer_run_uuid"), knownvalue.StringExact("0b6c5a4e-0000-4000-8000-000000000001")),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{"os": knownvalue.StringExact("ubuntu")})),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("created_at"), knownvalue.StringExact("2026-03-01T12:00:00.000Z")),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("project_id"), knownvalue.StringExact(fakeProjectID)),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("organization_id"), knownvalue.StringExact(fakeOrganizationID)),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("status"), knownvalue.StringExact("VERSION_ACTIVE")),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("revoke_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("revocation_message"), knownvalue.Null()),
				statecheck.ExpectKnownValue(byChannel, tfjsonpath.New("reject_revoked"), knownvalue.Null()),

				statecheck.ExpectKnownValue(byID, tfjsonpath.New("cloud_image_id"), knownvalue.StringExact("ami-arm")),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("fingerprint"), knownvalue.StringExact("fp-v2")),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
					"os": knownvalue.StringExact("ubuntu"), "arch": knownvalue.StringExact("arm64"),
				})),

				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("cloud_image_id"), knownvalue.StringExact("ami-333")),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("iteration_id"), knownvalue.StringExact(f.revoked.ID)),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("revoked"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("status"), knownvalue.StringExact("VERSION_REVOKED")),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("revoke_at"), knownvalue.StringExact("2026-03-01T11:00:00.000Z")),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("revocation_message"), knownvalue.StringExact("CVE-2026-0001")),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("revocation_author"), knownvalue.StringExact("bob")),
				statecheck.ExpectKnownValue(byFingerprint, tfjsonpath.New("revocation_type"), knownvalue.StringExact("MANUAL")),
			},
		}},
	})
}

func TestImageDataSourceErrors(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	image := func(body string) string {
		return "data \"hcppacker_image\" \"x\" {\n  bucket_name = \"web\"\n  cloud_provider = \"aws\"\n" + body + "\n}\n"
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{
			{
				Config:      image(`region = "us-east-1"`),
				ExpectError: textRegexp(`Exactly one of these attributes must be configured: [channel,iteration_id,fingerprint]`),
			},
			{
				Config:      image(`region = "us-east-1"` + "\n" + `channel = "stable"` + "\n" + `fingerprint = "fp-v1"`),
				ExpectError: textRegexp(`Invalid Attribute Combination`),
			},
			{
				Config:      image(`region = "us-east-1"` + "\n" + `iteration_id = "v3"`),
				ExpectError: textRegexp(`must be a version id: a 26-character ULID`),
			},
			{
				Config:      image(`region = "us-east-1"` + "\n" + `channel = "no"`),
				ExpectError: textRegexp(`must be 3 to 36 characters long`),
			},
			{
				Config:      image(`region = "eu-west-1"` + "\n" + `channel = "stable"`),
				ExpectError: textRegexp(`Artifact Not Found`),
			},
			{
				Config:      image(`region = "us-east-1"` + "\n" + `channel = "edge"`),
				ExpectError: textRegexp(`Several Artifacts Match`),
			},
			{
				Config:      image(`region = "us-east-1"` + "\n" + `channel = "unassigned"`),
				ExpectError: textRegexp(`Channel "unassigned" of bucket "web" has no version assigned.`),
			},
			{
				Config: image(`region = "us-east-1"` + "\n" + `fingerprint = "fp-revoked"` + "\n" + `reject_revoked = true`),
				ExpectError: textRegexp(`Version v3 (fingerprint "fp-revoked") of bucket "web" was revoked at ` +
					`2026-03-01T11:00:00Z (message "CVE-2026-0001"). reject_revoked is true`),
			},
		},
	})
}

// The seed's safety net, with a clock the test moves: a precondition on
// !revoked lets a scheduled revocation through and stops the plan with the
// user's own message once the revocation takes effect.
func TestImageDataSourcePreconditionFollowsRevocation(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	clock := newFakeClock(fakeEpoch)
	config := `
data "hcppacker_image" "app" {
  bucket_name    = "web"
  channel        = "latest"
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
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, clock),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.app", tfjsonpath.New("output"), knownvalue.StringExact("ami-444")),
					statecheck.ExpectKnownValue("data.hcppacker_image.app", tfjsonpath.New("revocation_scheduled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.hcppacker_image.app", tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.hcppacker_image.app", tfjsonpath.New("revoke_at"), knownvalue.StringExact("2026-03-01T13:00:00.000Z")),
				},
			},
			{
				PreConfig:   func() { clock.set(fakeEpoch.Add(2 * time.Hour)) },
				Config:      config,
				ExpectError: textRegexp(`The golden image is revoked; pick another one before deploying.`),
			},
		},
	})
}
