package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

func TestBucketDataSource(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	if _, err := f.api.CreateBucket(t.Context(), f.api.loc, client.BucketInput{
		Name: "described", Description: "Golden Ubuntu images", Labels: map[string]string{"team": "platform"},
	}); err != nil {
		t.Fatal(err)
	}
	web, empty, described := "data.hcppacker_bucket.web", "data.hcppacker_bucket.empty", "data.hcppacker_bucket.described"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{
			{
				Config: `
data "hcppacker_bucket" "web" {
  name = "web"
}

data "hcppacker_bucket" "empty" {
  name = "empty"
}

data "hcppacker_bucket" "described" {
  name = "described"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(web, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("resource_name"), knownvalue.StringExact("packer/project/"+fakeProjectID+"/bucket/web")),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("version_count"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("latest_version_fingerprint"), knownvalue.StringExact("fp-scheduled")),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("latest_version_id"), knownvalue.StringExact(f.schedule.ID)),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("latest_version_name"), knownvalue.StringExact("v4")),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("platforms"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("aws")})),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("created_at"), knownvalue.StringExact("2026-03-01T12:00:00.000Z")),
					statecheck.ExpectKnownValue(web, tfjsonpath.New("organization_id"), knownvalue.StringExact(fakeOrganizationID)),

					statecheck.ExpectKnownValue(empty, tfjsonpath.New("version_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(empty, tfjsonpath.New("latest_version_fingerprint"), knownvalue.Null()),
					statecheck.ExpectKnownValue(empty, tfjsonpath.New("platforms"), knownvalue.SetExact([]knownvalue.Check{})),

					statecheck.ExpectKnownValue(described, tfjsonpath.New("description"), knownvalue.StringExact("Golden Ubuntu images")),
					statecheck.ExpectKnownValue(described, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("platform"),
					})),
				},
			},
			{
				Config:      `data "hcppacker_bucket" "x" { name = "nope" }`,
				ExpectError: textRegexp(`Bucket "nope" does not exist in project "` + fakeProjectID + `". Check name and project_id`),
			},
		},
	})
}

func TestBucketDataSourcePermissionDenied(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	f.api.fail("GetBucket", apiError("GetBucket", codes.PermissionDenied, 403, "principal lacks packer.buckets.get"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{{
			Config:      `data "hcppacker_bucket" "x" { name = "web" }`,
			ExpectError: textRegexp(`The credentials may not read bucket "web": principal lacks packer.buckets.get.`),
		}},
	})
}
