package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// exampleBucket and exampleFingerprints are the names the resource examples
// use; the test publishes exactly those, so the examples run unchanged.
const exampleBucket = "web-server"

var exampleFingerprints = []string{
	"01HZX8G6V6M7J3W8Y4QK2R5T9A",
	"01HZX2ZB1D0Q6S8N7C3M5K4E2F",
	"01HZWZ8K3N5P7R9T1V3X5Z7B9D",
}

// TestAccExamples applies the provider and resource examples of the docs
// against localhcp, one after another (they share the bucket name), so an
// example that stops working fails the build. Each is destroyed after it ran.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	run := func(dir string, vars config.Variables) {
		t.Helper()
		resource.Test(t, resource.TestCase{
			PreCheck: func() { acctest.PreCheck(t) },
			Steps: []resource.TestStep{{
				// Step-level factories: the provider example has its own
				// provider block, which rules out case-level ones.
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				ConfigDirectory:          config.StaticDirectory("../../examples/" + dir),
				ConfigVariables:          vars,
			}},
		})
	}

	run("provider", config.Variables{"hcp_project_id": config.StringVariable(acctest.Location(t).ProjectID)})
	// The bucket example creates the bucket the others need to exist, so it
	// runs (and is destroyed) first.
	run("resources/hcppacker_bucket", nil)

	for _, fp := range exampleFingerprints {
		acctest.PublishVersion(t, exampleBucket, acctest.WithFingerprint(fp))
	}
	run("resources/hcppacker_channel", nil)
	run("resources/hcppacker_channel_assignment", nil)
	run("resources/hcppacker_version_revocation", nil)
	run("resources/hcppacker_run_task", nil)
}
