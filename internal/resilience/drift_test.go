package resilience

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// The drift suite changes objects behind Terraform's back and checks that
// the next plan says something sensible (re-create, update in place, or a
// diagnostic naming the object), that applying it converges to an empty
// plan, and that nothing gets stuck. The provider package already covers:
// a channel deleted out of band (TestAccChannel_driftAndDisappears,
// TestAccChannelAssignment_disappears), a bucket resource deleted out of
// band (TestAccBucket_disappears), restricted toggled on a lone channel
// (TestAccChannel_driftAndDisappears), an assignment to "none" undone out of
// band (TestAccChannelAssignment_lifecycle), a revocation rolling a channel
// back to its previous version (TestAccChannelAssignment_rollbackAfterRevocation)
// and a revocation restored or replaced out of band
// (TestAccVersionRevocation_outOfBand). The tests here cover the rest.

const (
	bucketAddr     = "hcppacker_bucket.b"
	channelAddr    = "hcppacker_channel.c"
	assignmentAddr = "hcppacker_channel_assignment.a"
	revocationAddr = "hcppacker_version_revocation.r"
)

// channelWithAssignment declares a channel of bucket (a literal name or a
// reference) and its assignment.
func channelWithAssignment(bucket, channel, fingerprint string, restricted bool) string {
	return fmt.Sprintf(`
resource "hcppacker_channel" "c" {
  bucket_name = %s
  name        = %q
  restricted  = %t
}

resource "hcppacker_channel_assignment" "a" {
  bucket_name         = hcppacker_channel.c.bucket_name
  channel_name        = hcppacker_channel.c.name
  version_fingerprint = %q
}
`, bucket, channel, restricted, fingerprint)
}

// assignmentOnly assigns a channel Terraform does not manage.
func assignmentOnly(bucket, channel, fingerprint string) string {
	return fmt.Sprintf(`
resource "hcppacker_channel_assignment" "a" {
  bucket_name         = %q
  channel_name        = %q
  version_fingerprint = %q
}
`, bucket, channel, fingerprint)
}

// TestAccDrift_bucketDeletedWithItsChannel deletes a Terraform-managed
// bucket, and with it the channel and assignment Terraform made in it: the
// plan re-creates all three, in order.
func TestAccDrift_bucketDeletedWithItsChannel(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("drift"), acctest.RandomName("chan")
	config := fmt.Sprintf(`
resource "hcppacker_bucket" "b" {
  name = %q
}
`, bucket) + channelWithAssignment("hcppacker_bucket.b.name", channel, "none", true)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { deleteBucket(t, bucket) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(bucketAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(channelAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkChannel(t, bucket, channel, "", true),
			},
		},
	})
}

// TestAccDrift_bucketDeletedUnderAssignedVersion deletes a bucket Packer
// published to, taking the assigned version with it: the plan fails with a
// diagnostic naming the bucket and the fingerprint, and once the version is
// published again the plan re-creates the channel and its assignment.
func TestAccDrift_bucketDeletedUnderAssignedVersion(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("drift"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	config := channelWithAssignment(fmt.Sprintf("%q", bucket), channel, v1.Fingerprint, false)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { deleteBucket(t, bucket) },
				Config:      config,
				ExpectError: errorMatching("Version Not Found", bucket, v1.Fingerprint, "Check version_fingerprint and the bucket name"),
			},
			{
				// Packer rebuilds the same version.
				PreConfig: func() { acctest.PublishVersion(t, bucket, acctest.WithFingerprint(v1.Fingerprint)) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(channelAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkChannel(t, bucket, channel, v1.Fingerprint, false),
			},
		},
	})
}

// TestAccDrift_assignmentChangedOutOfBand re-points, then unassigns, the
// channel outside Terraform: each time the plan updates the assignment in
// place, leaving the channel alone, and applying puts the version back.
func TestAccDrift_assignmentChangedOutOfBand(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("drift"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	config := channelWithAssignment(fmt.Sprintf("%q", bucket), channel, v1.Fingerprint, false)
	updatesOnlyTheAssignment := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(channelAddr, plancheck.ResourceActionNoop),
		plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("version_name"), knownvalue.StringExact(v1.VersionName)),
	}}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:        func() { assignOutOfBand(t, bucket, channel, v2.Fingerprint) },
				Config:           config,
				ConfigPlanChecks: updatesOnlyTheAssignment,
				Check:            checkChannel(t, bucket, channel, v1.Fingerprint, false),
			},
			{
				PreConfig:        func() { assignOutOfBand(t, bucket, channel, "") },
				Config:           config,
				ConfigPlanChecks: updatesOnlyTheAssignment,
				Check:            checkChannel(t, bucket, channel, v1.Fingerprint, false),
			},
		},
	})
}

// TestAccDrift_revocationLeavesChannelUnassigned revokes the only version a
// channel ever had: the registry unassigns the channel, the configuration
// still naming the revoked version is refused at plan time, and assigning
// another version is an in-place update that converges.
//
// Terraform calls the provider's plan also for `terraform refresh` and
// `apply -refresh-only`, so while the configuration names the revoked
// version those fail with the same diagnostic: the fix is the configuration.
func TestAccDrift_revocationLeavesChannelUnassigned(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("drift"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	config := func(fp string) string {
		return channelWithAssignment(fmt.Sprintf("%q", bucket), channel, fp, false)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(v1.Fingerprint)},
			{
				PreConfig: func() {
					if _, err := acctest.Client(t).RevokeVersion(context.Background(), acctest.Location(t), bucket, v1.Fingerprint,
						client.Revocation{Message: "CVE-2030-0002"}); err != nil {
						t.Fatalf("revoke version %q out of band: %v", v1.Fingerprint, err)
					}
					// The registry rolled the channel back to nothing.
					if err := checkChannel(t, bucket, channel, "", false)(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config(v1.Fingerprint),
				ExpectError: errorMatching("Version Revoked", v1.Fingerprint, bucket, "CVE-2030-0002", channel),
			},
			{
				Config: config(v2.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(channelAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("version_name"), knownvalue.StringExact(v2.VersionName)),
				}},
				Check: checkChannel(t, bucket, channel, v2.Fingerprint, false),
			},
		},
	})
}

// TestAccDrift_assignedVersionDeleted deletes the assigned version with
// rollback_channels: the registry moves the channel back to its previous
// version, the configuration naming the deleted version fails at plan time
// with a diagnostic naming it, and accepting the rolled-back version is an
// empty plan.
func TestAccDrift_assignedVersionDeleted(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("drift"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	// The channel's history must hold v1 for the rollback to reach it.
	acctest.CreateChannel(t, bucket, channel, v1.Fingerprint)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: assignmentOnly(bucket, channel, v2.Fingerprint)},
			{
				PreConfig:   func() { deleteVersion(t, bucket, v2.Fingerprint) },
				Config:      assignmentOnly(bucket, channel, v2.Fingerprint),
				ExpectError: errorMatching("Version Not Found", bucket, v2.Fingerprint, channel),
			},
			{
				Config: assignmentOnly(bucket, channel, v1.Fingerprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: checkChannel(t, bucket, channel, v1.Fingerprint, false),
			},
		},
	})
}

// TestAccDrift_revokedVersionDeleted deletes a version Terraform revoked:
// re-creating the revocation is refused at plan time with a diagnostic
// naming the version, and dropping the resource from the configuration is
// an empty plan rather than a destroy that cannot succeed.
func TestAccDrift_revokedVersionDeleted(t *testing.T) {
	t.Parallel()
	bucket := acctest.RandomName("drift")
	v1 := acctest.PublishVersion(t, bucket)
	acctest.PublishVersion(t, bucket) // keeps the bucket non-empty
	config := fmt.Sprintf(`
resource "hcppacker_version_revocation" "r" {
  bucket_name         = %q
  version_fingerprint = %q
  message             = "CVE-2030-0003"
}
`, bucket, v1.Fingerprint)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { deleteVersion(t, bucket, v1.Fingerprint) },
				Config:      config,
				ExpectError: errorMatching("Version Not Found", bucket, v1.Fingerprint, "to revoke"),
			},
			{
				Config: `# the revocation is dropped from the configuration` + "\n",
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccDrift_restrictedToggledBesideAnAssignment restricts an assigned
// channel outside Terraform: the plan updates the channel in place and
// leaves its assignment alone.
func TestAccDrift_restrictedToggledBesideAnAssignment(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("drift"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	config := channelWithAssignment(fmt.Sprintf("%q", bucket), channel, v1.Fingerprint, false)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					restricted := true
					if _, err := acctest.Client(t).UpdateChannel(context.Background(), acctest.Location(t), bucket, channel,
						client.ChannelUpdate{Restricted: &restricted}); err != nil {
						t.Fatalf("restrict channel %q out of band: %v", channel, err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(channelAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(channelAddr, tfjsonpath.New("restricted"), knownvalue.Bool(false)),
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionNoop),
				}},
				Check: checkChannel(t, bucket, channel, v1.Fingerprint, false),
			},
		},
	})
}

// TestAccDrift_unmanagedChannelDeleted deletes a channel that Terraform only
// assigns: the plan re-creates the assignment, applying it fails with a
// diagnostic that says to create the channel, and once the channel exists
// again the same configuration converges.
func TestAccDrift_unmanagedChannelDeleted(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("drift"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	acctest.CreateChannel(t, bucket, channel, "")
	config := assignmentOnly(bucket, channel, v1.Fingerprint)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteChannel(context.Background(), acctest.Location(t), bucket, channel); err != nil {
						t.Fatalf("delete channel %q out of band: %v", channel, err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate),
				}},
				ExpectError: errorMatching("Channel Not Found", channel, bucket, "Create it with hcppacker_channel"),
			},
			{
				PreConfig: func() { acctest.CreateChannel(t, bucket, channel, "") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkChannel(t, bucket, channel, v1.Fingerprint, false),
			},
		},
	})
}

// deleteBucket deletes a bucket and everything in it, outside Terraform.
func deleteBucket(t *testing.T, bucket string) {
	t.Helper()
	if err := acctest.Client(t).DeleteBucket(context.Background(), acctest.Location(t), bucket); err != nil {
		t.Fatalf("delete bucket %q out of band: %v", bucket, err)
	}
}

// assignOutOfBand points a channel at fingerprint ("" unassigns it).
func assignOutOfBand(t *testing.T, bucket, channel, fingerprint string) {
	t.Helper()
	_, err := acctest.Client(t).UpdateChannel(context.Background(), acctest.Location(t), bucket, channel,
		client.ChannelUpdate{VersionFingerprint: &fingerprint})
	if err != nil {
		t.Fatalf("assign %q to channel %q out of band: %v", fingerprint, channel, err)
	}
}

// deleteVersion deletes a version with rollback_channels=true, as the HCP
// portal does; the provider's client has no call for it, so it goes over
// the wire as the contributor.
func deleteVersion(t *testing.T, bucket, fingerprint string) {
	t.Helper()
	srv := acctest.Server(t)
	api := newRawAPI(srv.URL(), srv.OrganizationID(), srv.ProjectID())
	p := srv.Principal(acctest.RoleContributor)
	ctx := context.Background()
	if err := api.authenticate(ctx, p.ClientID, p.ClientSecret); err != nil {
		t.Fatalf("authenticate to delete version %q: %v", fingerprint, err)
	}
	if err := api.call(ctx, http.MethodDelete, "/buckets/"+bucket+"/versions/"+fingerprint+"?rollback_channels=true", nil, nil); err != nil {
		t.Fatalf("delete version %q of bucket %q out of band: %v", fingerprint, bucket, err)
	}
}

// checkChannel checks in localhcp that the channel points at fingerprint
// ("" for unassigned) and has the restricted flag.
func checkChannel(t *testing.T, bucket, channel, fingerprint string, restricted bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ch, err := acctest.Client(t).GetChannel(context.Background(), acctest.Location(t), bucket, channel)
		if err != nil {
			return fmt.Errorf("read channel %q of bucket %q: %w", channel, bucket, err)
		}
		got := ""
		if ch.Version != nil {
			got = ch.Version.Fingerprint
		}
		if got != fingerprint || ch.Restricted != restricted {
			return fmt.Errorf("channel %q of bucket %q points at %q with restricted=%t; want %q with restricted=%t",
				channel, bucket, got, ch.Restricted, fingerprint, restricted)
		}
		return nil
	}
}

// errorMatching matches Terraform's error output containing the fragments
// in order; Terraform wraps diagnostics, so a space matches any whitespace.
func errorMatching(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
