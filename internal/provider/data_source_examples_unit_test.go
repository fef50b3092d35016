package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// TestDataSourceExamplesApply applies every data-source example of the docs
// against a registry that holds what the examples name, so an example that
// no longer matches its schema fails here rather than in a user's hands.
func TestDataSourceExamplesApply(t *testing.T) {
	t.Parallel()
	api := newFakeRegistry()
	api.addBucket("hardened-ubuntu")
	api.addVersion("hardened-ubuntu", client.Version{
		Fingerprint: "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V", Name: "v1", Status: client.VersionStatusActive,
		Builds: []client.Build{
			{ComponentType: "amazon-ebs.ubuntu", Platform: "aws", Status: client.BuildStatusDone,
				Labels:    map[string]string{"arch": "amd64"},
				Artifacts: []client.Artifact{{ExternalIdentifier: "ami-0amd", Region: "us-east-1"}}},
			{ComponentType: "amazon-ebs.ubuntu-arm", Platform: "aws", Status: client.BuildStatusDone,
				Labels:    map[string]string{"arch": "arm64"},
				Artifacts: []client.Artifact{{ExternalIdentifier: "ami-0arm", Region: "eu-west-1"}}},
		},
	})
	api.assign("hardened-ubuntu", "production", "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V")
	api.assign("hardened-ubuntu", client.LatestChannel, "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V")

	dirs, err := filepath.Glob("../../examples/data-sources/*/data-source.tf")
	if err != nil || len(dirs) != len(dataSources()) {
		t.Fatalf("found %d data-source examples (%v), want one per data source (%d)", len(dirs), err, len(dataSources()))
	}
	var steps []resource.TestStep
	for _, file := range dirs {
		config, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, resource.TestStep{Config: string(config)})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(api, newFakeClock(fakeEpoch)),
		Steps:                    steps,
	})
}
