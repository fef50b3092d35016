package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// officialIterationImageConfig is a 2022-era config for the official
// provider's hcp_packer_iteration and hcp_packer_image, reading every
// attribute such configs used. Only the type prefix changes in migration.
const officialIterationImageConfig = `
data "hcp_packer_iteration" "ubuntu" {
  bucket_name = "hardened-ubuntu"
  channel     = "production"
}

data "hcp_packer_image" "ubuntu_us_east_1" {
  bucket_name    = "hardened-ubuntu"
  cloud_provider = "aws"
  iteration_id   = data.hcp_packer_iteration.ubuntu.ulid
  region         = "us-east-1"
}

data "hcp_packer_image" "by_channel" {
  bucket_name    = "hardened-ubuntu"
  channel        = "production"
  cloud_provider = "aws"
  region         = "us-east-1"
  component_type = "amazon-ebs.ubuntu"
}

output "ami" {
  value = data.hcp_packer_image.ubuntu_us_east_1.cloud_image_id
}

output "iteration" {
  value = {
    id                  = data.hcp_packer_iteration.ubuntu.id
    fingerprint         = data.hcp_packer_iteration.ubuntu.fingerprint
    incremental_version = data.hcp_packer_iteration.ubuntu.incremental_version
    revoke_at           = data.hcp_packer_iteration.ubuntu.revoke_at
  }
}

output "image" {
  value = {
    iteration_id    = data.hcp_packer_image.by_channel.iteration_id
    build_id        = data.hcp_packer_image.by_channel.build_id
    labels          = data.hcp_packer_image.by_channel.labels
    revoke_at       = data.hcp_packer_image.by_channel.revoke_at
    packer_run_uuid = data.hcp_packer_image.by_channel.packer_run_uuid
    created_at      = data.hcp_packer_image.by_channel.created_at
  }
}
`

// migratedConfig renames the official type prefix, and nothing else.
func migratedConfig() string {
	return strings.ReplaceAll(officialIterationImageConfig, "hcp_packer_", "hcppacker_")
}

func TestMigrationFromOfficialIterationAndImage(t *testing.T) {
	t.Parallel()
	api := newFakeRegistry()
	api.addBucket("hardened-ubuntu")
	v := api.addVersion("hardened-ubuntu", client.Version{
		Fingerprint: "9f2a1c", Name: "v7", Status: client.VersionStatusActive,
		Builds: []client.Build{{
			ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Status: client.BuildStatusDone,
			PackerRunUUID: "1d2c3b4a-0000-4000-8000-000000000007", Labels: map[string]string{"os": "ubuntu"},
			Artifacts: []client.Artifact{{ExternalIdentifier: "ami-0migrated", Region: "us-east-1", CreatedAt: fakeEpoch}},
		}},
	})
	api.assign("hardened-ubuntu", "production", "9f2a1c")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{{
			Config: migratedConfig(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("ami", knownvalue.StringExact("ami-0migrated")),
				statecheck.ExpectKnownOutputValue("iteration", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":                  knownvalue.StringExact(v.ID),
					"fingerprint":         knownvalue.StringExact("9f2a1c"),
					"incremental_version": knownvalue.Int64Exact(7),
					"revoke_at":           knownvalue.Null(),
				})),
				statecheck.ExpectKnownOutputValue("image", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"iteration_id":    knownvalue.StringExact(v.ID),
					"build_id":        knownvalue.StringExact(v.Builds[0].ID),
					"labels":          knownvalue.MapExact(map[string]knownvalue.Check{"os": knownvalue.StringExact("ubuntu")}),
					"revoke_at":       knownvalue.Null(),
					"packer_run_uuid": knownvalue.StringExact("1d2c3b4a-0000-4000-8000-000000000007"),
					"created_at":      knownvalue.StringExact("2026-03-01T12:00:00.000Z"),
				})),
			},
		}},
	})
}
