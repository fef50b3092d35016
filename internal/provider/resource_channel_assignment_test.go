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

// assignmentConfig declares a channel and its assignment, so that the
// channel is created before it is assigned.
func assignmentConfig(bucket, channel, fingerprint string) string {
	return fmt.Sprintf(`
resource "hcppacker_channel" "test" {
  bucket_name = %q
  name        = %q
}

resource "hcppacker_channel_assignment" "test" {
  bucket_name         = hcppacker_channel.test.bucket_name
  channel_name        = hcppacker_channel.test.name
  version_fingerprint = %q
}
`, bucket, channel, fingerprint)
}

// assignmentOnlyConfig assigns a channel Terraform does not manage.
func assignmentOnlyConfig(bucket, channel, fingerprint string) string {
	return fmt.Sprintf(`
resource "hcppacker_channel_assignment" "test" {
  bucket_name         = %q
  channel_name        = %q
  version_fingerprint = %q
}
`, bucket, channel, fingerprint)
}

func TestAccChannelAssignment_lifecycle(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("bucket"), acctest.RandomName("chan")
	const addr = "hcppacker_channel_assignment.test"
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(bucket, channel, v1.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version_fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version_name"), knownvalue.StringExact(v1.VersionName)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.NotNull()),
				},
				Check: checkChannelVersion(t, bucket, channel, v1.Fingerprint),
			},
			{
				Config: assignmentConfig(bucket, channel, v1.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config: assignmentConfig(bucket, channel, v2.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					// The version is looked up at plan time.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("version_name"), knownvalue.StringExact(v2.VersionName)),
				}},
				Check: checkChannelVersion(t, bucket, channel, v2.Fingerprint),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     bucket + ":" + channel,
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   acctest.Location(t).ProjectID + ":" + bucket + ":" + channel,
			},
			{
				Config: assignmentConfig(bucket, channel, "none"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version_name"), knownvalue.Null()),
				},
				Check: checkChannelVersion(t, bucket, channel, ""),
			},
			{
				// "none" is enforced: an assignment made elsewhere is undone.
				PreConfig: func() { assignOutOfBand(t, bucket, channel, v1.Fingerprint) },
				Config:    assignmentConfig(bucket, channel, "none"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: checkChannelVersion(t, bucket, channel, ""),
			},
		},
	})
}

// TestAccChannelAssignment_adoptsReplacesAndUnassigns checks that an
// assignment takes over a channel that already points at a version (the
// official provider refuses this), that moving it to another channel
// unassigns the old channel, and that destroying it unassigns the channel
// but keeps it.
func TestAccChannelAssignment_adoptsReplacesAndUnassigns(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("bucket")
	first, second := acctest.RandomName("chan"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, first, v1.Fingerprint)
	acctest.CreateChannel(t, bucket, second, "")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkChannelVersion(t, bucket, second, ""),
		Steps: []resource.TestStep{
			{
				Config: assignmentOnlyConfig(bucket, first, v2.Fingerprint),
				Check:  checkChannelVersion(t, bucket, first, v2.Fingerprint),
			},
			{
				Config: assignmentOnlyConfig(bucket, second, v2.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hcppacker_channel_assignment.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkChannelVersion(t, bucket, first, ""),
					checkChannelVersion(t, bucket, second, v2.Fingerprint),
				),
			},
		},
	})
}

// TestAccChannelAssignment_disappears checks that a channel deleted outside
// Terraform makes the next plan re-create the channel and its assignment.
func TestAccChannelAssignment_disappears(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("bucket"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: assignmentConfig(bucket, channel, v1.Fingerprint)},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteChannel(context.Background(), acctest.Location(t), bucket, channel); err != nil {
						t.Fatal(err)
					}
				},
				Config: assignmentConfig(bucket, channel, v1.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hcppacker_channel.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("hcppacker_channel_assignment.test", plancheck.ResourceActionCreate),
				}},
				Check: checkChannelVersion(t, bucket, channel, v1.Fingerprint),
			},
		},
	})
}

// TestAccChannelAssignment_rollbackAfterRevocation checks the flow of a
// revocation made outside Terraform: the registry rolls the channel back, the
// plan shows that drift, and re-assigning the revoked version is refused.
func TestAccChannelAssignment_rollbackAfterRevocation(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("bucket"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	// The channel's history must hold v1 for a rollback to reach it.
	acctest.CreateChannel(t, bucket, channel, v1.Fingerprint)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: assignmentOnlyConfig(bucket, channel, v2.Fingerprint)},
			{
				PreConfig: func() {
					_, err := acctest.Client(t).RevokeVersion(context.Background(), acctest.Location(t), bucket, v2.Fingerprint,
						client.Revocation{Message: "CVE-2030-0001"})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: assignmentOnlyConfig(bucket, channel, v2.Fingerprint),
				ExpectError: errorMatching("Version Revoked", v2.Fingerprint, bucket, "CVE-2030-0001",
					`cannot be assigned to channel "`+channel+`"`),
			},
			{
				// The refreshed state holds the rolled-back version, so
				// accepting it in the configuration is an empty plan.
				Config: assignmentOnlyConfig(bucket, channel, v1.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccChannelAssignment_scheduledRevocation checks that a version whose
// revocation is only scheduled can still be assigned.
func TestAccChannelAssignment_scheduledRevocation(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("bucket"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	at := time.Now().Add(24 * time.Hour)
	if _, err := acctest.Client(t).RevokeVersion(context.Background(), acctest.Location(t), bucket, v1.Fingerprint,
		client.Revocation{At: &at}); err != nil {
		t.Fatal(err)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(bucket, channel, v1.Fingerprint),
				Check:  checkChannelVersion(t, bucket, channel, v1.Fingerprint),
			},
		},
	})
}

func TestAccChannelAssignment_errors(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("bucket"), acctest.RandomName("chan")
	missingChannel := acctest.RandomName("nochan")
	v1 := acctest.PublishVersion(t, bucket)
	revoked := acctest.PublishVersion(t, bucket)
	unfinished := acctest.StartVersion(t, bucket)
	if _, err := acctest.Client(t).RevokeVersion(context.Background(), acctest.Location(t), bucket, revoked.Fingerprint,
		client.Revocation{}); err != nil {
		t.Fatal(err)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      assignmentConfig(bucket, channel, "01JNOSUCHVERSION000000000"),
				ExpectError: errorMatching("Version Not Found", bucket, "01JNOSUCHVERSION000000000", channel),
			},
			{
				Config:      assignmentConfig(bucket, channel, unfinished),
				ExpectError: errorMatching("Version Not Complete", unfinished, "VERSION_RUNNING", channel),
			},
			{
				Config:      assignmentConfig(bucket, channel, revoked.Fingerprint),
				ExpectError: errorMatching("Version Revoked", revoked.Fingerprint, channel),
			},
			{
				Config:      assignmentOnlyConfig(bucket, client.LatestChannel, v1.Fingerprint),
				ExpectError: errorMatching("Managed Channel Cannot Be Assigned", `"latest"`, bucket),
			},
			{
				Config:      assignmentOnlyConfig(bucket, missingChannel, v1.Fingerprint),
				ExpectError: errorMatching("Channel Not Found", missingChannel, bucket, "hcppacker_channel"),
			},
			{
				Config:        assignmentOnlyConfig(bucket, client.LatestChannel, v1.Fingerprint),
				ResourceName:  "hcppacker_channel_assignment.test",
				ImportState:   true,
				ImportStateId: bucket + ":latest",
				ExpectError:   errorMatching("Managed Channel Cannot Be Assigned"),
			},
		},
	})
}

// checkChannelVersion verifies that the channel points at fingerprint, or is
// unassigned when fingerprint is empty.
func checkChannelVersion(t *testing.T, bucket, channel, fingerprint string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ch, err := acctest.Client(t).GetChannel(context.Background(), acctest.Location(t), bucket, channel)
		if err != nil {
			return fmt.Errorf("read channel %q of bucket %q: %w", channel, bucket, err)
		}
		got := ""
		if ch.Version != nil {
			got = ch.Version.Fingerprint
		}
		if got != fingerprint {
			return fmt.Errorf("channel %q of bucket %q points at %q, want %q", channel, bucket, got, fingerprint)
		}
		return nil
	}
}

// assignOutOfBand points a channel at a version outside Terraform.
func assignOutOfBand(t *testing.T, bucket, channel, fingerprint string) {
	t.Helper()
	_, err := acctest.Client(t).UpdateChannel(context.Background(), acctest.Location(t), bucket, channel,
		client.ChannelUpdate{VersionFingerprint: &fingerprint})
	if err != nil {
		t.Fatal(err)
	}
}
