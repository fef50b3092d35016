package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"google.golang.org/grpc/codes"
)

func TestBucketNamesDataSource(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	unavailable := newLookupFixture()
	unavailable.api.fail("ListBuckets", apiError("ListBuckets", codes.Unavailable, 503, "try again later"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{{
			Config: `data "hcppacker_bucket_names" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hcppacker_bucket_names.all", tfjsonpath.New("names"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("empty"), knownvalue.StringExact("web"),
				})),
				statecheck.ExpectKnownValue("data.hcppacker_bucket_names.all", tfjsonpath.New("id"), knownvalue.StringExact(fakeProjectID)),
				statecheck.ExpectKnownValue("data.hcppacker_bucket_names.all", tfjsonpath.New("project_id"), knownvalue.StringExact(fakeProjectID)),
				statecheck.ExpectKnownValue("data.hcppacker_bucket_names.all", tfjsonpath.New("organization_id"), knownvalue.StringExact(fakeOrganizationID)),
			},
		}},
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(unavailable.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{{
			Config:      `data "hcppacker_bucket_names" "all" {}`,
			ExpectError: textRegexp(`Could not read the buckets of project ` + fakeProjectID + `: try again later. Retry`),
		}},
	})
}
