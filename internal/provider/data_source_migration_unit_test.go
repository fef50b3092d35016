package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// migratedConfig reads the 2022-era config for the official provider's
// hcp_packer_iteration and hcp_packer_image and renames the type prefix, and
// nothing else; the config names the bucket "hardened-ubuntu".
func migratedConfig(t *testing.T) string {
	t.Helper()
	official, err := os.ReadFile("testdata/official-2022-iteration-image.tf")
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(official), "hcp_packer_", "hcppacker_")
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
			Config: migratedConfig(t),
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
