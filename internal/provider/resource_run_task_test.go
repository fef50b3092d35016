package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
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

const runTaskAddr = "hcppacker_run_task.test"

func runTaskConfig(project string, regenerate bool) string {
	projectLine := ""
	if project != "" {
		projectLine = fmt.Sprintf("project_id = %q\n", project)
	}
	return fmt.Sprintf(`
resource "hcppacker_run_task" "test" {
  %s
  regenerate_hmac = %t
}
`, projectLine, regenerate)
}

// checkRunTaskKey checks that state holds the run task's current key in the
// project, as localhcp answers it now.
func checkRunTaskKey(t *testing.T, addr, project string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		loc := acctest.Location(t)
		loc.ProjectID = project
		task, err := acctest.Client(t).GetRunTask(context.Background(), loc)
		if err != nil {
			return err
		}
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		if rs.Primary.Attributes["hmac_key"] != task.HMACKey {
			return errors.New("the state's hmac_key is not the run task's current key")
		}
		if rs.Primary.Attributes["endpoint_url"] != task.APIURL {
			return fmt.Errorf("endpoint_url = %q, want %q", rs.Primary.Attributes["endpoint_url"], task.APIURL)
		}
		return nil
	}
}

// currentKey returns the run task's key in the project.
func currentKey(t *testing.T, project string) string {
	t.Helper()
	loc := acctest.Location(t)
	loc.ProjectID = project
	task, err := acctest.Client(t).GetRunTask(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	return task.HMACKey
}

func TestAccRunTask_lifecycle(t *testing.T) {
	t.Parallel()
	project := acctest.Location(t).ProjectID
	keyBefore := currentKey(t, project)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if currentKey(t, project) != keyBefore {
				return errors.New("destroying the resource changed the run task's key")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: runTaskConfig("", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(runTaskAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(runTaskAddr, tfjsonpath.New("project_id"), knownvalue.StringExact(project)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(runTaskAddr, tfjsonpath.New("id"), knownvalue.StringExact(project)),
					statecheck.ExpectKnownValue(runTaskAddr, tfjsonpath.New("organization_id"),
						knownvalue.StringExact(acctest.Location(t).OrganizationID)),
					statecheck.ExpectKnownValue(runTaskAddr, tfjsonpath.New("endpoint_url"),
						knownvalue.StringRegexp(runTaskURL(acctest.Location(t)))),
					statecheck.ExpectKnownValue(runTaskAddr, tfjsonpath.New("regenerate_hmac"), knownvalue.Bool(false)),
					statecheck.ExpectSensitiveValue(runTaskAddr, tfjsonpath.New("hmac_key")),
				},
				Check: func(s *terraform.State) error {
					if currentKey(t, project) != keyBefore {
						return errors.New("creating the resource with regenerate_hmac = false changed the key")
					}
					return checkRunTaskKey(t, runTaskAddr, project)(s)
				},
			},
			{
				Config: runTaskConfig("", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				ResourceName:      runTaskAddr,
				ImportState:       true,
				ImportStateId:     project,
				ImportStateVerify: true,
			},
			{
				ResourceName:    runTaskAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   project,
			},
			{
				ResourceName:  runTaskAddr,
				ImportState:   true,
				ImportStateId: "not-a-project",
				ExpectError:   errorMatching("Invalid Import ID", "UUID", `"not-a-project"`),
			},
		},
	})
}

// TestAccRunTask_regenerate works in the second project, whose key no other
// test reads, since it changes the key.
func TestAccRunTask_regenerate(t *testing.T) {
	t.Parallel()
	project := acctest.SecondProjectID(t)
	key := statecheck.CompareValue(compare.ValuesDiffer())
	loc := acctest.Location(t)
	loc.ProjectID = project

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            runTaskConfig(project, false),
				ConfigStateChecks: []statecheck.StateCheck{key.AddStateValue(runTaskAddr, tfjsonpath.New("hmac_key"))},
				Check:             checkRunTaskKey(t, runTaskAddr, project),
			},
			{
				Config: runTaskConfig(project, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(runTaskAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(runTaskAddr, tfjsonpath.New("hmac_key")),
					plancheck.ExpectSensitiveValue(runTaskAddr, tfjsonpath.New("hmac_key")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{key.AddStateValue(runTaskAddr, tfjsonpath.New("hmac_key"))},
				Check:             checkRunTaskKey(t, runTaskAddr, project),
			},
			{
				// true stays true: no second regeneration.
				Config: runTaskConfig(project, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: checkRunTaskKey(t, runTaskAddr, project),
			},
			{
				PreConfig: func() {
					if _, err := acctest.Client(t).RegenerateRunTaskKey(context.Background(), loc); err != nil {
						t.Fatal(err)
					}
				},
				Config: runTaskConfig(project, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectSensitiveDrift(runTaskAddr, "hmac_key"),
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{key.AddStateValue(runTaskAddr, tfjsonpath.New("hmac_key"))},
				Check:             checkRunTaskKey(t, runTaskAddr, project),
			},
			{
				// false, then true again: one more regeneration.
				Config: runTaskConfig(project, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(runTaskAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(runTaskAddr, tfjsonpath.New("regenerate_hmac"), knownvalue.Bool(false)),
				}},
				Check: checkRunTaskKey(t, runTaskAddr, project),
			},
			{
				Config:            runTaskConfig(project, true),
				ConfigStateChecks: []statecheck.StateCheck{key.AddStateValue(runTaskAddr, tfjsonpath.New("hmac_key"))},
				Check:             checkRunTaskKey(t, runTaskAddr, project),
			},
		},
	})
}

func TestAccRunTask_viewerIsRefused(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.ProviderBlock(t, acctest.RoleViewer) + runTaskConfig("", false),
				ExpectError: errorMatching("Permission Denied", "contributor role", "HMAC key"),
			},
			{
				Config: acctest.ProviderBlock(t, acctest.RoleViewer) + `
data "hcppacker_run_task" "x" {}
`,
				ExpectError: errorMatching("Permission Denied", "contributor role", "HMAC key"),
			},
		},
	})
}

func TestAccRunTaskDataSource(t *testing.T) {
	t.Parallel()
	loc := acctest.Location(t)
	const addr = "data.hcppacker_run_task.test"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "hcppacker_run_task" "test" {
  project_id = %q
}
`, loc.ProjectID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(loc.ProjectID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("organization_id"), knownvalue.StringExact(loc.OrganizationID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringRegexp(runTaskURL(loc))),
				statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("hmac_key")),
			},
			Check: checkRunTaskKey(t, addr, loc.ProjectID),
		}},
	})
}

// runTaskURL matches the endpoint localhcp gives the project's run task.
func runTaskURL(loc client.Location) *regexp.Regexp {
	return regexp.MustCompile(`^https://127\.0\.0\.1:\d+/packer/2023-01-01/organizations/` + loc.OrganizationID +
		`/projects/` + loc.ProjectID + `/runtasks/validation$`)
}

// expectSensitiveDrift checks that the plan's refresh found attribute of
// addr changed outside Terraform and shows it as a sensitive value.
func expectSensitiveDrift(addr, attribute string) plancheck.PlanCheck {
	return sensitiveDrift{addr: addr, attribute: attribute}
}

type sensitiveDrift struct{ addr, attribute string }

func (d sensitiveDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceDrift {
		if rc.Address != d.addr || rc.Change == nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		sensitive, _ := rc.Change.AfterSensitive.(map[string]any)
		if before[d.attribute] == after[d.attribute] {
			resp.Error = fmt.Errorf("%s drifted, but not its %s", d.addr, d.attribute)
		} else if sensitive[d.attribute] != true {
			resp.Error = fmt.Errorf("the drift of %s.%s is not marked sensitive", d.addr, d.attribute)
		}
		return
	}
	var drifted []string
	for _, rc := range req.Plan.ResourceDrift {
		drifted = append(drifted, rc.Address)
	}
	resp.Error = fmt.Errorf("no drift of %s in the plan (drifted: %s)", d.addr, strings.Join(drifted, ", "))
}
