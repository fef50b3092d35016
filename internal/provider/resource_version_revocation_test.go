package provider_test

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

// revocationConfig revokes a version; extra holds further arguments.
func revocationConfig(bucket, fingerprint, extra string) string {
	return fmt.Sprintf(`
resource "hcppacker_version_revocation" "test" {
  bucket_name         = %q
  version_fingerprint = %q
  %s
}
`, bucket, fingerprint, extra)
}

func TestAccVersionRevocation_lifecycle(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("bucket")
	v1 := acctest.PublishVersion(t, bucket)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return checkNotRevoked(t, bucket, v1.Fingerprint) },
		Steps: []resource.TestStep{
			{
				Config: revocationConfig(bucket, v1.Fingerprint, `message = "CVE-2030-0001"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("version_name"), knownvalue.StringExact(v1.VersionName)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("id"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoked"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.VersionStatusRevoked)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revocation_type"), knownvalue.StringExact("MANUAL")),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revocation_author"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("message"), knownvalue.StringExact("CVE-2030-0001")),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoke_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(revocationAddr, tfjsonpath.New("revoke_in"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error { return checkRevoked(t, bucket, v1.Fingerprint, "CVE-2030-0001") },
			},
			{
				Config: revocationConfig(bucket, v1.Fingerprint, `message = "CVE-2030-0001"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				ResourceName:      revocationAddr,
				ImportState:       true,
				ImportStateId:     bucket + ":" + v1.Fingerprint,
				ImportStateVerify: true,
			},
			{
				ResourceName:    revocationAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   acctest.Location(t).ProjectID + ":" + bucket + ":" + v1.Fingerprint,
			},
			{
				// A revocation cannot be edited: a new message restores the
				// version and revokes it again.
				Config: revocationConfig(bucket, v1.Fingerprint, `message = "CVE-2030-0002"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error { return checkRevoked(t, bucket, v1.Fingerprint, "CVE-2030-0002") },
			},
		},
	})
}

// TestAccVersionRevocation_outOfBand checks what the plan shows when the
// version is restored, or revoked again differently, outside Terraform.
func TestAccVersionRevocation_outOfBand(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("bucket")
	v1 := acctest.PublishVersion(t, bucket)
	config := func() string { return revocationConfig(bucket, v1.Fingerprint, `message = "ours"`) }
	ctx := context.Background()

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config()},
			{
				// Restored elsewhere: the revocation is gone, so it is made again.
				PreConfig: func() {
					if _, err := acctest.Client(t).RestoreVersion(ctx, acctest.Location(t), bucket, v1.Fingerprint); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationAddr, plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error { return checkRevoked(t, bucket, v1.Fingerprint, "ours") },
			},
			{
				// Revoked again elsewhere with another message: replaced by ours.
				PreConfig: func() {
					c, loc := acctest.Client(t), acctest.Location(t)
					if _, err := c.RestoreVersion(ctx, loc, bucket, v1.Fingerprint); err != nil {
						t.Fatal(err)
					}
					if _, err := c.RevokeVersion(ctx, loc, bucket, v1.Fingerprint, client.Revocation{Message: "theirs"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error { return checkRevoked(t, bucket, v1.Fingerprint, "ours") },
			},
		},
	})
}

// TestAccVersionRevocation_descendants checks that revoking a version revokes
// the versions built from it unless skip_descendants_revocation is set, and
// that destroying the revocation restores them too.
func TestAccVersionRevocation_descendants(t *testing.T) {
	t.Parallel()
	parentBucket, childBucket := acctest.RandomName("base"), acctest.RandomName("app")
	parent := acctest.PublishVersion(t, parentBucket)
	child := acctest.PublishVersion(t, childBucket, acctest.WithParent(parent.VersionID, ""))

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := checkNotRevoked(t, parentBucket, parent.Fingerprint); err != nil {
				return err
			}
			return checkNotRevoked(t, childBucket, child.Fingerprint)
		},
		Steps: []resource.TestStep{
			{
				Config: revocationConfig(parentBucket, parent.Fingerprint, `message = "base image CVE"`),
				Check: func(*terraform.State) error {
					v, err := acctest.Client(t).GetVersion(context.Background(), acctest.Location(t), childBucket, child.Fingerprint)
					if err != nil {
						return err
					}
					if !v.Revoked(time.Now()) || v.RevocationType != "INHERITED" {
						return fmt.Errorf("child version: revoke_at %v, type %q; want revoked, INHERITED", v.RevokeAt, v.RevocationType)
					}
					return nil
				},
			},
			{
				Config: revocationConfig(parentBucket, parent.Fingerprint,
					"message = \"base image CVE\"\n  skip_descendants_revocation = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocationAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error { return checkNotRevoked(t, childBucket, child.Fingerprint) },
			},
		},
	})
}

func TestAccVersionRevocation_errors(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("bucket"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	assigned := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, channel, assigned.Fingerprint)
	revoked := acctest.PublishVersion(t, bucket)
	if _, err := acctest.Client(t).RevokeVersion(context.Background(), acctest.Location(t), bucket, revoked.Fingerprint,
		client.Revocation{Message: "made elsewhere"}); err != nil {
		t.Fatal(err)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      revocationConfig(bucket, v1.Fingerprint, `revoke_at = "2030-01-01T00:00:00Z"`+"\n"+`revoke_in = "1h"`),
				ExpectError: errorMatching("Invalid Attribute Combination", "revoke_in", "revoke_at"),
			},
			{
				Config:      revocationConfig(bucket, v1.Fingerprint, `revoke_at = "next tuesday"`),
				ExpectError: errorMatching("Invalid RFC3339 String Value", "revoke_at = \"next tuesday\"", "not valid RFC3339"),
			},
			{
				// The year-1 zero time reads as "not set" on the wire.
				Config:      revocationConfig(bucket, v1.Fingerprint, `revoke_at = "0001-01-01T00:00:00Z"`),
				ExpectError: errorMatching("Invalid Revocation Time", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
			},
			{
				Config:      revocationConfig(bucket, v1.Fingerprint, `revoke_at = "9999-01-01T00:00:00Z"`),
				ExpectError: errorMatching("Invalid Revocation Time", "9999-01-01T00:00:00Z", "100 years"),
			},
			{
				// Big enough to wrap a 64-bit duration if multiplied blindly.
				Config:      revocationConfig(bucket, v1.Fingerprint, `revoke_in = "200000d"`),
				ExpectError: errorMatching("Revocation Too Far Ahead", "200000d", "100 years"),
			},
			{
				Config:      revocationConfig(bucket, v1.Fingerprint, `revoke_in = "3000000h"`),
				ExpectError: errorMatching("Revocation Too Far Ahead", "3000000h"),
			},
			{
				Config:      revocationConfig(bucket, v1.Fingerprint, `revoke_in = "1 week"`),
				ExpectError: errorMatching("revoke_in", "units s, m, h or d"),
			},
			{
				Config:      revocationConfig(bucket, "01JNOSUCHVERSION000000000", ""),
				ExpectError: errorMatching("Version Not Found", bucket, "01JNOSUCHVERSION000000000"),
			},
			{
				Config: revocationConfig(bucket, revoked.Fingerprint, ""),
				ExpectError: errorMatching("Version Already Revoked", revoked.Fingerprint, "made elsewhere", "terraform import",
					bucket+":"+revoked.Fingerprint),
			},
			{
				// Refused at plan time, so the plan only runs.
				Config:             revocationConfig(bucket, assigned.Fingerprint, `disable_rollback_channels = true`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ExpectError: errorMatching("Revocation Would Strand Channels", assigned.Fingerprint, channel,
					"disable_rollback_channels = false", "schedule the revocation"),
			},
			{
				// Scheduled, the same revocation may leave the channel on it.
				Config: revocationConfig(bucket, assigned.Fingerprint,
					"disable_rollback_channels = true\n  revoke_in = \"30d\""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config:        revocationConfig(bucket, v1.Fingerprint, ""),
				ResourceName:  revocationAddr,
				ImportState:   true,
				ImportStateId: v1.Fingerprint,
				ExpectError:   errorMatching("Invalid Import ID", "{bucket_name}:{version_fingerprint}"),
			},
			{
				Config:        revocationConfig(bucket, v1.Fingerprint, ""),
				ResourceName:  revocationAddr,
				ImportState:   true,
				ImportStateId: bucket + ":" + v1.Fingerprint,
				ExpectError:   errorMatching("Version Not Revoked", v1.Fingerprint, bucket, "no revocation to import"),
			},
		},
	})
}

// checkRevoked verifies that the version is revoked with message.
func checkRevoked(t *testing.T, bucket, fingerprint, message string) error {
	v, err := acctest.Client(t).GetVersion(context.Background(), acctest.Location(t), bucket, fingerprint)
	if err != nil {
		return err
	}
	if !v.Revoked(time.Now()) || v.RevocationMessage != message {
		return fmt.Errorf("version %q of bucket %q: revoke_at %v, message %q; want revoked with %q",
			fingerprint, bucket, v.RevokeAt, v.RevocationMessage, message)
	}
	return nil
}

// checkNotRevoked verifies that the version carries no revocation.
func checkNotRevoked(t *testing.T, bucket, fingerprint string) error {
	v, err := acctest.Client(t).GetVersion(context.Background(), acctest.Location(t), bucket, fingerprint)
	if err != nil {
		return err
	}
	if v.RevokeAt != nil {
		return fmt.Errorf("version %q of bucket %q is still revoked (revoke_at %s)", fingerprint, bucket, v.RevokeAt)
	}
	return nil
}
