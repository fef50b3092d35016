package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

func channelConfig(bucket, name string, restricted bool) string {
	return fmt.Sprintf(`
resource "hcppacker_channel" "test" {
  bucket_name = %q
  name        = %q
  restricted  = %t
}
`, bucket, name, restricted)
}

func TestAccChannel_lifecycle(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("bucket")
	name, renamed := acctest.RandomName("chan"), acctest.RandomName("chan")
	const addr = "hcppacker_channel.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	acctest.CreateBucket(t, bucket)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkChannelsDestroyed(t, bucket, name, renamed),
		Steps: []resource.TestStep{
			{
				Config: channelConfig(bucket, name, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bucket_name"), knownvalue.StringExact(bucket)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("restricted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("managed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("project_id"), knownvalue.StringExact(acctest.Location(t).ProjectID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("author_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Millis)),
				},
			},
			{
				Config: channelConfig(bucket, name, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config: channelConfig(bucket, name, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("restricted"), knownvalue.Bool(true)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     bucket + ":" + name,
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   acctest.Location(t).ProjectID + ":" + bucket + ":" + name,
			},
			{
				Config: channelConfig(bucket, renamed, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

// TestAccChannel_driftAndDisappears checks that a restricted flag changed
// outside Terraform is set back, and that a channel deleted outside
// Terraform is planned for re-creation rather than failing the plan.
func TestAccChannel_driftAndDisappears(t *testing.T) {
	t.Parallel()
	bucket, name := acctest.RandomName("bucket"), acctest.RandomName("chan")
	const addr = "hcppacker_channel.test"
	ctx := context.Background()

	acctest.CreateBucket(t, bucket)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkChannelsDestroyed(t, bucket, name),
		Steps: []resource.TestStep{
			{Config: channelConfig(bucket, name, false)},
			{
				PreConfig: func() {
					restricted := true
					_, err := acctest.Client(t).UpdateChannel(ctx, acctest.Location(t), bucket, name,
						client.ChannelUpdate{Restricted: &restricted})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: channelConfig(bucket, name, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					ch, err := acctest.Client(t).GetChannel(ctx, acctest.Location(t), bucket, name)
					if err != nil {
						return err
					}
					if ch.Restricted {
						return fmt.Errorf("channel %q is still restricted after apply", name)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteChannel(ctx, acctest.Location(t), bucket, name); err != nil {
						t.Fatal(err)
					}
				},
				Config: channelConfig(bucket, name, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// TestAccChannel_adoptsLatest checks that declaring `latest` adopts the
// managed channel, manages its restricted flag, and that destroying the
// resource leaves the channel in place.
func TestAccChannel_adoptsLatest(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("bucket")
	const addr = "hcppacker_channel.test"
	ctx := context.Background()

	acctest.PublishVersion(t, bucket)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			ch, err := acctest.Client(t).GetChannel(ctx, acctest.Location(t), bucket, client.LatestChannel)
			if err != nil {
				return fmt.Errorf("the managed channel should survive destroy: %w", err)
			}
			if ch.Version == nil {
				return fmt.Errorf("the managed channel lost its version")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: channelConfig(bucket, client.LatestChannel, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("managed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("restricted"), knownvalue.Bool(true)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     bucket + ":" + client.LatestChannel,
				ImportStateVerify: true,
			},
			{
				Config: channelConfig(bucket, client.LatestChannel, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("restricted"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccChannel_errors(t *testing.T) {
	t.Parallel()
	bucket, existing := acctest.RandomName("bucket"), acctest.RandomName("chan")
	missingBucket := acctest.RandomName("nobucket")

	acctest.CreateBucket(t, bucket)
	acctest.CreateChannel(t, bucket, existing, "")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      channelConfig(bucket, existing, false),
				ExpectError: errorMatching("Channel Already Exists", existing, "terraform import", bucket+":"+existing),
			},
			{
				Config:      channelConfig(missingBucket, existing, false),
				ExpectError: errorMatching("Bucket Not Found", missingBucket, "hcppacker_bucket"),
			},
			{
				Config:        channelConfig(bucket, existing, false),
				ResourceName:  "hcppacker_channel.test",
				ImportState:   true,
				ImportStateId: "a:b:c:d",
				ExpectError:   errorMatching("Invalid Import ID", "{bucket_name}:{channel_name}"),
			},
			{
				// The first part of three is a project id, never a name.
				Config:        channelConfig(bucket, existing, false),
				ResourceName:  "hcppacker_channel.test",
				ImportState:   true,
				ImportStateId: bucket + ":" + existing + ":extra",
				ExpectError:   errorMatching("Invalid Import ID", "{project_id}:{bucket_name}:{channel_name}"),
			},
		},
	})
}

// checkChannelsDestroyed verifies that the channels no longer exist.
func checkChannelsDestroyed(t *testing.T, bucket string, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range names {
			_, err := acctest.Client(t).GetChannel(context.Background(), acctest.Location(t), bucket, name)
			if err == nil {
				return fmt.Errorf("channel %q of bucket %q still exists", name, bucket)
			}
			if !client.IsNotFound(err) {
				return fmt.Errorf("check channel %q of bucket %q: %w", name, bucket, err)
			}
		}
		return nil
	}
}
