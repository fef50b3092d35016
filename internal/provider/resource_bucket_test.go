package provider_test

import (
	"context"
	"fmt"
	"regexp"
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

func bucketConfig(name, description, team string) string {
	return fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name        = %q
  description = %q
  labels = {
    team = %q
  }
}
`, name, description, team)
}

func TestAccBucket_lifecycle(t *testing.T) {
	t.Parallel()
	name := acctest.RandomName("bucket")
	renamed := acctest.RandomName("bucket")
	const addr = "hcppacker_bucket.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkBucketsDestroyed(t, name, renamed),
		Steps: []resource.TestStep{
			{
				Config: bucketConfig(name, "first", "platform"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					// The project is known at plan time, not "known after apply".
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("project_id"),
						knownvalue.StringExact(acctest.Location(t).ProjectID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("first")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"),
						knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("platform")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("force_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("organization_id"),
						knownvalue.StringExact(acctest.Location(t).OrganizationID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("resource_name"),
						knownvalue.StringExact("packer/project/"+acctest.Location(t).ProjectID+"/bucket/"+name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("latest_version_fingerprint"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Millis)),
				},
			},
			{
				// Re-planning the same configuration changes nothing.
				Config: bucketConfig(name, "first", "platform"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config: bucketConfig(name, "second", "images"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"),
						knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("images")})),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[addr].Primary.Attributes["resource_name"], nil
				},
			},
			{
				Config: bucketConfig(renamed, "second", "images"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
				},
			},
		},
	})
}

func TestAccBucket_defaults(t *testing.T) {
	t.Parallel()
	name := acctest.RandomName("bucket")
	const addr = "hcppacker_bucket.test"

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkBucketsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name       = %q
  project_id = %q
}
`, name, acctest.Location(t).ProjectID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"), knownvalue.MapSizeExact(0)),
				},
			},
			{
				// Labels added outside Terraform are removed again.
				PreConfig: func() {
					_, err := acctest.Client(t).UpdateBucket(context.Background(), acctest.Location(t),
						client.BucketInput{Name: name, Description: "by hand", Labels: map[string]string{"x": "y"}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name = %q
}
`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"), knownvalue.MapSizeExact(0)),
				},
			},
		},
	})
}

// TestAccBucket_project checks a bucket outside the provider's default
// project: it is created there, imported by its resource name, and moving
// it to another project replaces it.
func TestAccBucket_project(t *testing.T) {
	t.Parallel()
	name := acctest.RandomName("bucket")
	second := acctest.SecondProjectID(t)
	const addr = "hcppacker_bucket.test"
	config := func(project string) string {
		return fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name       = %q
  project_id = %q
}
`, name, project)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkBucketsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config: config(second),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("project_id"), knownvalue.StringExact(second)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("resource_name"),
						knownvalue.StringExact("packer/project/"+second+"/bucket/"+name)),
				},
				Check: func(*terraform.State) error {
					loc := acctest.Location(t)
					loc.ProjectID = second
					_, err := acctest.Client(t).GetBucket(context.Background(), loc, name)
					return err
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "packer/project/" + second + "/bucket/" + name,
				ImportStateVerify: true,
			},
			{
				Config: config(acctest.Location(t).ProjectID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

func TestAccBucket_disappears(t *testing.T) {
	t.Parallel()
	name := acctest.RandomName("bucket")
	const addr = "hcppacker_bucket.test"

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkBucketsDestroyed(t, name),
		Steps: []resource.TestStep{
			{Config: bucketConfig(name, "d", "t")},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteBucket(context.Background(), acctest.Location(t), name); err != nil {
						t.Fatal(err)
					}
				},
				Config: bucketConfig(name, "d", "t"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccBucket_forceDestroy(t *testing.T) {
	t.Parallel()
	name, other, channel := acctest.RandomName("bucket"), acctest.RandomName("bucket"), acctest.RandomName("chan")
	acctest.CreateBucket(t, other)
	const addr = "hcppacker_bucket.test"
	// The channel, in another bucket, shows whether a refused destroy
	// changed anything else: a refusal at plan time leaves it in place.
	config := func(force bool) string {
		return fmt.Sprintf(`
resource "hcppacker_bucket" "test" {
  name          = %q
  force_destroy = %t
}

resource "hcppacker_channel" "other" {
  bucket_name = %q
  name        = %q
}
`, name, force, other, channel)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkBucketsDestroyed(t, name),
		Steps: []resource.TestStep{
			{Config: config(false)},
			{
				PreConfig: func() {
					acctest.PublishVersion(t, name)
					acctest.PublishVersion(t, name)
				},
				Config:      config(false),
				Destroy:     true,
				ExpectError: errorMatching("Bucket Still Holds Versions", name, "holds 2 versions", "force_destroy = true"),
			},
			{
				PreConfig: func() {
					if _, err := acctest.Client(t).GetChannel(context.Background(), acctest.Location(t), other, channel); err != nil {
						t.Fatalf("the refused destroy destroyed channel %q of bucket %q: %v", channel, other, err)
					}
				},
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("force_destroy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("latest_version_fingerprint"), knownvalue.NotNull()),
				},
			},
		},
	})
}

func TestAccBucket_errors(t *testing.T) {
	t.Parallel()
	existing := acctest.RandomName("bucket")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { acctest.CreateBucket(t, existing) },
				Config:      bucketConfig(existing, "", ""),
				ExpectError: errorMatching("Bucket Already Exists", existing, "terraform import"),
			},
			{
				Config:        bucketConfig(existing, "", ""),
				ResourceName:  "hcppacker_bucket.test",
				ImportState:   true,
				ImportStateId: "packer/project/" + existing,
				ExpectError:   errorMatching("Invalid Import ID", "packer/project/{project_id}/bucket/{bucket_name}"),
			},
		},
	})
}

// rfc3339Millis matches the times the provider writes to state.
var rfc3339Millis = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// checkBucketsDestroyed verifies that the buckets no longer exist.
func checkBucketsDestroyed(t *testing.T, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range names {
			_, err := acctest.Client(t).GetBucket(context.Background(), acctest.Location(t), name)
			if err == nil {
				return fmt.Errorf("bucket %q still exists", name)
			}
			if !client.IsNotFound(err) {
				return fmt.Errorf("check bucket %q: %w", name, err)
			}
		}
		return nil
	}
}
