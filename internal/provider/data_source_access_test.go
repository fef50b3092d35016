package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// Data sources only read, so a viewer principal can use every one of them.
func TestAccDataSources_viewerCanRead(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("ds-viewer")
	v1 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(t, acctest.RoleViewer) + fmt.Sprintf(`
data "hcppacker_iteration" "x" {
  bucket_name = %[1]q
  channel     = "stable"
}

data "hcppacker_image" "x" {
  bucket_name    = %[1]q
  channel        = "stable"
  cloud_provider = "aws"
  region         = "us-east-1"
}

data "hcppacker_version" "x" {
  bucket_name = %[1]q
  id          = %[2]q
}

data "hcppacker_artifact" "x" {
  bucket_name         = %[1]q
  version_fingerprint = %[3]q
  platform            = "aws"
  region              = "us-east-1"
}

data "hcppacker_bucket" "x" {
  name = %[1]q
}

data "hcppacker_bucket_names" "x" {}

data "hcppacker_channel" "x" {
  bucket_name = %[1]q
  name        = "stable"
}
`, bucket, v1.VersionID, v1.Fingerprint),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hcppacker_iteration.x", tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
				statecheck.ExpectKnownValue("data.hcppacker_image.x", tfjsonpath.New("iteration_id"), knownvalue.StringExact(v1.VersionID)),
				statecheck.ExpectKnownValue("data.hcppacker_version.x", tfjsonpath.New("fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
				statecheck.ExpectKnownValue("data.hcppacker_artifact.x", tfjsonpath.New("version_id"), knownvalue.StringExact(v1.VersionID)),
				statecheck.ExpectKnownValue("data.hcppacker_bucket.x", tfjsonpath.New("latest_version_id"), knownvalue.StringExact(v1.VersionID)),
				statecheck.ExpectKnownValue("data.hcppacker_bucket_names.x", tfjsonpath.New("names"), knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact(bucket)})),
				statecheck.ExpectKnownValue("data.hcppacker_channel.x", tfjsonpath.New("version_id"), knownvalue.StringExact(v1.VersionID)),
			},
		}},
	})
}

// project_id on a data source reads from that project instead of the
// provider's, and an unknown project is a clear error.
func TestAccDataSources_projectID(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	loc := acctest.Location(t)
	other := client.Location{OrganizationID: loc.OrganizationID, ProjectID: acctest.SecondProjectID(t)}
	bucket := acctest.RandomName("ds-project")
	if _, err := acctest.Client(t).CreateBucket(context.Background(), other, client.BucketInput{Name: bucket}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := acctest.Client(t).DeleteBucket(context.Background(), other, bucket); err != nil && !client.IsNotFound(err) {
			t.Errorf("delete bucket %q of project %s: %v", bucket, other.ProjectID, err)
		}
	})
	config := func(projectID string) string {
		attr := ""
		if projectID != "" {
			attr = fmt.Sprintf("project_id = %q", projectID)
		}
		return fmt.Sprintf("data \"hcppacker_bucket\" \"x\" {\n  name = %q\n  %s\n}\n", bucket, attr)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(other.ProjectID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hcppacker_bucket.x", tfjsonpath.New("project_id"), knownvalue.StringExact(other.ProjectID)),
					statecheck.ExpectKnownValue("data.hcppacker_bucket.x", tfjsonpath.New("organization_id"), knownvalue.StringExact(loc.OrganizationID)),
					statecheck.ExpectKnownValue("data.hcppacker_bucket.x", tfjsonpath.New("resource_name"),
						knownvalue.StringExact("packer/project/"+other.ProjectID+"/bucket/"+bucket)),
				},
			},
			{
				// The provider's own project does not have the bucket.
				Config:      config(""),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q does not exist in project %q.`, bucket, loc.ProjectID)),
			},
			{
				Config:      config("00000000-0000-4000-8000-000000000000"),
				ExpectError: errorMatching(`Could not resolve HCP project "00000000-0000-4000-8000-000000000000"`),
			},
		},
	})
}
