package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

func TestAccChannelDataSource_lookups(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	bucket := acctest.RandomName("ds-channel")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, "stable", v1.Fingerprint)
	assignOutOfBand(t, bucket, "stable", v2.Fingerprint)
	assignOutOfBand(t, bucket, "stable", "")
	empty := acctest.RandomName("ds-channel-empty")
	acctest.CreateBucket(t, empty)
	author := acctest.Server(t).Principal(acctest.RoleContributor).ID

	entry := func(fingerprint, id, name string) knownvalue.Check {
		value := func(s string) knownvalue.Check {
			if s == "" {
				return knownvalue.Null()
			}
			return knownvalue.StringExact(s)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"assigned_at":         knownvalue.StringRegexp(rfc3339Millis),
			"author_id":           knownvalue.StringExact(author),
			"version_fingerprint": value(fingerprint),
			"version_id":          value(id),
			"version_name":        value(name),
		})
	}
	stable, latest, unpublished := "data.hcppacker_channel.stable", "data.hcppacker_channel.latest", "data.hcppacker_channel.unpublished"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "hcppacker_channel" "stable" {
  bucket_name = %[1]q
  name        = "stable"
}

data "hcppacker_channel" "latest" {
  bucket_name = %[1]q
  name        = "latest"
}

data "hcppacker_channel" "unpublished" {
  bucket_name = %[2]q
  name        = "latest"
}
`, bucket, empty),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("managed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("restricted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("version_fingerprint"), knownvalue.Null()),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("version_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("version_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(stable, tfjsonpath.New("history"), knownvalue.ListExact([]knownvalue.Check{
						entry("", "", ""),
						entry(v2.Fingerprint, v2.VersionID, "v2"),
						entry(v1.Fingerprint, v1.VersionID, "v1"),
					})),

					statecheck.ExpectKnownValue(latest, tfjsonpath.New("managed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(latest, tfjsonpath.New("version_fingerprint"), knownvalue.StringExact(v2.Fingerprint)),
					statecheck.ExpectKnownValue(latest, tfjsonpath.New("version_name"), knownvalue.StringExact("v2")),
					statecheck.ExpectKnownValue(latest, tfjsonpath.New("history"), knownvalue.ListExact([]knownvalue.Check{
						entry(v2.Fingerprint, v2.VersionID, "v2"),
						entry(v1.Fingerprint, v1.VersionID, "v1"),
					})),

					// A bucket nothing was published to: its managed channel
					// exists, unassigned, with no history.
					statecheck.ExpectKnownValue(unpublished, tfjsonpath.New("managed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(unpublished, tfjsonpath.New("version_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(unpublished, tfjsonpath.New("history"), knownvalue.ListExact([]knownvalue.Check{})),
				},
				// Every assignment moves the channel's updated_at.
				Check: resource.TestCheckResourceAttrPair(stable, "updated_at", stable, "history.0.assigned_at"),
			},
			{
				Config:      fmt.Sprintf("data \"hcppacker_channel\" \"x\" {\n  bucket_name = %q\n  name = \"nightly\"\n}\n", bucket),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q has no channel "nightly". Check name`, bucket)),
			},
			{
				Config:      fmt.Sprintf("data \"hcppacker_channel\" \"x\" {\n  bucket_name = %q\n  name = \"stable\"\n}\n", bucket+"-gone"),
				ExpectError: errorMatching(fmt.Sprintf(`Bucket %q does not exist`, bucket+"-gone")),
			},
		},
	})
}
