package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

func TestAccBucketNamesDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	loc := acctest.Location(t)
	var want []knownvalue.Check
	for range 3 {
		name := acctest.RandomName("ds-names")
		acctest.CreateBucket(t, name)
		want = append(want, knownvalue.StringExact(name))
	}
	names := "data.hcppacker_bucket_names.all"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Other tests create buckets in the same project meanwhile, so
			// only this test's buckets are checked.
			Config: `data "hcppacker_bucket_names" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(names, tfjsonpath.New("names"), knownvalue.SetPartial(want)),
				statecheck.ExpectKnownValue(names, tfjsonpath.New("id"), knownvalue.StringExact(loc.ProjectID)),
				statecheck.ExpectKnownValue(names, tfjsonpath.New("project_id"), knownvalue.StringExact(loc.ProjectID)),
				statecheck.ExpectKnownValue(names, tfjsonpath.New("organization_id"), knownvalue.StringExact(loc.OrganizationID)),
			},
		}},
	})
}
