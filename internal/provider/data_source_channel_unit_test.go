package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestChannelDataSource(t *testing.T) {
	t.Parallel()
	f := newLookupFixture()
	// Give "stable" a history: v1 (fixture), then v2, an unassignment, then v1 again.
	f.api.now = func() time.Time { return fakeEpoch.Add(time.Hour) }
	for _, fp := range []string{"fp-v2", "", "fp-v1"} {
		f.api.assign("web", "stable", fp)
	}
	stable := "data.hcppacker_channel.stable"
	entry := func(fp, id, name string) knownvalue.Check {
		value := func(s string) knownvalue.Check {
			if s == "" {
				return knownvalue.Null()
			}
			return knownvalue.StringExact(s)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"assigned_at":         knownvalue.NotNull(),
			"author_id":           knownvalue.StringExact("fake-principal"),
			"version_fingerprint": value(fp),
			"version_id":          value(id),
			"version_name":        value(name),
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeProviderFactories(f.api, newFakeClock(fakeEpoch)),
		Steps: []resource.TestStep{
			{
				Config: `
data "hcppacker_channel" "stable" {
  bucket_name = "web"
  name        = "stable"
}

data "hcppacker_channel" "unassigned" {
  bucket_name = "web"
  name        = "unassigned"
}

data "hcppacker_channel" "latest" {
  bucket_name = "empty"
  name        = "latest"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("version_fingerprint"), knownvalue.StringExact("fp-v1")),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("version_id"), knownvalue.StringExact(f.v1.ID)),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("version_name"), knownvalue.StringExact("v1")),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("managed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("restricted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("updated_at"), knownvalue.StringExact("2026-03-01T13:00:00.000Z")),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("history"), knownvalue.ListExact([]knownvalue.Check{
						entry("fp-v1", f.v1.ID, "v1"),
						entry("", "", ""),
						entry("fp-v2", f.v2.ID, "v2"),
						entry("fp-v1", f.v1.ID, "v1"),
					})),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("history").AtSliceIndex(3).AtMapKey("assigned_at"),
						knownvalue.StringExact("2026-03-01T12:00:00.000Z")),

					statecheck.ExpectKnownValue("data.hcppacker_channel.unassigned", tfjsonpath.New("version_fingerprint"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.hcppacker_channel.unassigned", tfjsonpath.New("history"), knownvalue.ListExact([]knownvalue.Check{
						entry("", "", ""),
					})),

					statecheck.ExpectKnownValue("data.hcppacker_channel.latest", tfjsonpath.New("managed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.hcppacker_channel.latest", tfjsonpath.New("version_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.hcppacker_channel.latest", tfjsonpath.New("history"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			{
				Config:      "data \"hcppacker_channel\" \"x\" {\n  bucket_name = \"web\"\n  name = \"nightly\"\n}\n",
				ExpectError: textRegexp(`Bucket "web" has no channel "nightly". Check name`),
			},
			{
				Config:      "data \"hcppacker_channel\" \"x\" {\n  bucket_name = \"gone\"\n  name = \"stable\"\n}\n",
				ExpectError: textRegexp(`Bucket "gone" does not exist`),
			},
		},
	})
}
