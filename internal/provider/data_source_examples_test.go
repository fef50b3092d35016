package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
	"github.com/golden-image/terraform-provider-hcppacker/internal/provider"
)

// dataSourceExampleBucket and dataSourceExampleFingerprint are what the
// data-source examples read; the test publishes exactly those, so the
// examples run unchanged.
const (
	dataSourceExampleBucket      = "hardened-ubuntu"
	dataSourceExampleFingerprint = "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V"
)

// TestAccDataSourceExamples applies every data-source example of the docs
// against localhcp holding what the examples name, so an example that no
// longer matches its schema fails here rather than in a user's hands.
//
// It is the one test of the package that does not run in parallel: the
// bucket_names example outputs every bucket of the project, and its refresh
// plan is empty only while no other test creates or deletes buckets, which
// is the case before the parallel tests start.
func TestAccDataSourceExamples(t *testing.T) {
	acctest.PreCheck(t)
	files, err := filepath.Glob("../../examples/data-sources/*/data-source.tf")
	if want := len(provider.New("test")().DataSources(context.Background())); err != nil || len(files) != want {
		t.Fatalf("found %d data-source examples (%v), want one per data source (%d)", len(files), err, want)
	}
	acctest.PublishVersion(t, dataSourceExampleBucket,
		acctest.WithFingerprint(dataSourceExampleFingerprint),
		acctest.WithBuilds(
			publish.Build{ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0amd",
				Labels: map[string]string{"arch": "amd64"}},
			publish.Build{ComponentType: "amazon-ebs.ubuntu-arm", Platform: "aws", Region: "eu-west-1", ExternalIdentifier: "ami-0arm",
				Labels: map[string]string{"arch": "arm64"}},
		))
	acctest.CreateChannel(t, dataSourceExampleBucket, "production", dataSourceExampleFingerprint)

	var steps []resource.TestStep
	for _, file := range files {
		config, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		step := resource.TestStep{Config: string(config)}
		if filepath.Base(filepath.Dir(file)) == "hcppacker_iam_policy" {
			// The principals it names must exist: the seeded ones do.
			srv := acctest.Server(t)
			step.ConfigVariables = tfconfig.Variables{
				"packer_principal_id":    tfconfig.StringVariable(srv.Principal(acctest.RoleContributor).ID),
				"terraform_principal_id": tfconfig.StringVariable(srv.Principal(acctest.RoleViewer).ID),
			}
		}
		steps = append(steps, step)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}
