package scheduled_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

const revocationAddr = "hcppacker_version_revocation.test"

// revocationConfig revokes a version at the time when sets.
func revocationConfig(bucket, fingerprint, when string) string {
	return fmt.Sprintf(`
resource "hcppacker_version_revocation" "test" {
  bucket_name         = %q
  version_fingerprint = %q
  %s
}
`, bucket, fingerprint, when)
}

// TestAccVersionRevocation_scheduled checks a revocation set for later: it
// is not revoked at first, `revoked` flips once the time passes (on the next
// refresh, with no change to apply), and switching to revoke_in replaces it.
func TestAccVersionRevocation_scheduled(t *testing.T) {
	bucket := acctest.RandomName("bucket")
	v1 := acctest.PublishVersion(t, bucket)
	soon := acctest.Now().Add(untilEffective).UTC().Format(time.RFC3339)
	scheduled := revocationConfig(bucket, v1.Fingerprint, fmt.Sprintf("revoke_at = %q", soon))

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: scheduled,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoke_at"), knownvalue.StringExact(soon)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("status"),
						knownvalue.StringExact(client.VersionStatusRevocationScheduled)),
				},
			},
			{
				PreConfig: func() {
					acctest.AdvanceClock(t, effective)
					requireStatus(t, bucket, v1.Fingerprint, client.VersionStatusRevoked)
				},
				Config: scheduled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoked"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.VersionStatusRevoked)),
				},
			},
			{
				Config: revocationConfig(bucket, v1.Fingerprint, `revoke_in = "30d"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(revocationAddr, tfjsonpath.New("revoke_at")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoke_in"), knownvalue.StringExact("30d")),
				},
				Check: func(s *terraform.State) error {
					at, err := time.Parse(time.RFC3339, s.RootModule().Resources[revocationAddr].Primary.Attributes["revoke_at"])
					if err != nil {
						return err
					}
					if d := at.Sub(acctest.Now()); d < 29*24*time.Hour || d > 31*24*time.Hour {
						return fmt.Errorf("revoke_at %s is not about 30 days ahead", at)
					}
					return nil
				},
			},
		},
	})
}

// requireStatus fails the test unless localhcp gives the version status.
func requireStatus(t *testing.T, bucket, fingerprint, status string) {
	t.Helper()
	v, err := acctest.Client(t).GetVersion(context.Background(), acctest.Location(t), bucket, fingerprint)
	if err != nil {
		t.Fatalf("read version %q of bucket %q: %v", fingerprint, bucket, err)
	}
	if v.Status != status {
		t.Fatalf("version %q of bucket %q has status %s, want %s", fingerprint, bucket, v.Status, status)
	}
}
