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

func TestAccBucketDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	loc := acctest.Location(t)
	full := acctest.RandomName("ds-bucket")
	v1 := acctest.PublishVersion(t, full)
	if _, err := acctest.Client(t).UpdateBucket(context.Background(), loc, client.BucketInput{
		Name: full, Description: "Hardened Ubuntu", Labels: map[string]string{"team": "platform"},
	}); err != nil {
		t.Fatal(err)
	}
	empty := acctest.RandomName("ds-bucket-empty")
	acctest.CreateBucket(t, empty)

	b, e := "data.hcppacker_bucket.full", "data.hcppacker_bucket.empty"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "hcppacker_bucket" "full" {
  name = %q
}

data "hcppacker_bucket" "empty" {
  name = %q
}
`, full, empty),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(b, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("resource_name"), knownvalue.StringExact("packer/project/"+loc.ProjectID+"/bucket/"+full)),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("description"), knownvalue.StringExact("Hardened Ubuntu")),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("platform")})),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("platforms"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("aws")})),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("version_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("latest_version_fingerprint"), knownvalue.StringExact(v1.Fingerprint)),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("latest_version_id"), knownvalue.StringExact(v1.VersionID)),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("latest_version_name"), knownvalue.StringExact("v1")),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339Millis)),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("project_id"), knownvalue.StringExact(loc.ProjectID)),
					statecheck.ExpectKnownValue(b, tfjsonpath.New("organization_id"), knownvalue.StringExact(loc.OrganizationID)),

					statecheck.ExpectKnownValue(e, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(e, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(e, tfjsonpath.New("platforms"), knownvalue.SetExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(e, tfjsonpath.New("version_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(e, tfjsonpath.New("latest_version_fingerprint"), knownvalue.Null()),
				},
			},
			{
				Config:      fmt.Sprintf("data \"hcppacker_bucket\" \"x\" {\n  name = %q\n}\n", full+"-gone"),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q does not exist in project %q. Check name and project_id`, full+"-gone", loc.ProjectID)),
			},
		},
	})
}
