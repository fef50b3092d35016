package provider_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// TestAccMigration_officialIterationAndImage applies a config written for
// the official provider's hcp_packer_iteration and hcp_packer_image (2022
// attribute names) after renaming only the type prefix, against localhcp.
func TestAccMigration_officialIterationAndImage(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("migration")
	v := acctest.PublishVersion(t, bucket, acctest.WithBuilds(publish.Build{
		ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0migrated",
		Labels: map[string]string{"os": "ubuntu"},
	}))
	acctest.CreateChannel(t, bucket, "production", v.Fingerprint)
	published, err := acctest.Client(t).GetVersion(context.Background(), acctest.Location(t), bucket, v.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}

	official, err := os.ReadFile("testdata/official-2022-iteration-image.tf")
	if err != nil {
		t.Fatal(err)
	}
	// The official config names its bucket "hardened-ubuntu"; this test's
	// bucket has a unique name so tests do not collide.
	config := strings.ReplaceAll(string(official), `"hardened-ubuntu"`, `"`+bucket+`"`)
	config = strings.ReplaceAll(config, "hcp_packer_", "hcppacker_")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("ami", knownvalue.StringExact("ami-0migrated")),
				statecheck.ExpectKnownOutputValue("iteration", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":                  knownvalue.StringExact(v.VersionID),
					"fingerprint":         knownvalue.StringExact(v.Fingerprint),
					"incremental_version": knownvalue.Int64Exact(1),
					"revoke_at":           knownvalue.Null(),
				})),
				statecheck.ExpectKnownOutputValue("image", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"iteration_id":    knownvalue.StringExact(v.VersionID),
					"build_id":        knownvalue.StringExact(v.BuildIDs[0]),
					"labels":          knownvalue.MapExact(map[string]knownvalue.Check{"os": knownvalue.StringExact("ubuntu")}),
					"revoke_at":       knownvalue.Null(),
					"packer_run_uuid": knownvalue.StringExact(published.Builds[0].PackerRunUUID),
					"created_at":      knownvalue.StringRegexp(rfc3339Millis),
				})),
			},
		}},
	})
}
