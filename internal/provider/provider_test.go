package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// TestAccProvider_viewerIsDenied checks that a principal without write
// access gets an error that says which action was refused.
func TestAccProvider_viewerIsDenied(t *testing.T) {
	t.Parallel()
	name := acctest.RandomName("bucket")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkBucketsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config:      acctest.ProviderBlock(t, acctest.RoleViewer) + bucketConfig(name, "", ""),
				ExpectError: errorMatching("Permission Denied", `create bucket "`+name+`"`, "contributor"),
			},
		},
	})
}

// TestAccProvider_badCredentials checks that credentials HCP rejects fail
// configuration with one clear diagnostic.
func TestAccProvider_badCredentials(t *testing.T) {
	t.Parallel()

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "hcppacker" {
  client_id     = "no-such-client"
  client_secret = "wrong"
}
` + bucketConfig(acctest.RandomName("bucket"), "", ""),
				ExpectError: errorMatching("Unable to Configure the HCP Client", "client_id"),
			},
		},
	})
}

// TestAccProvider_configValidation checks the provider block's own rules.
func TestAccProvider_configValidation(t *testing.T) {
	t.Parallel()
	bucket := bucketConfig(acctest.RandomName("bucket"), "", "")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `provider "hcppacker" { client_id = "only-the-id" }` + bucket,
				PlanOnly:    true,
				ExpectError: errorMatching("Invalid Attribute Combination", "client_secret"),
			},
			{
				Config: `
provider "hcppacker" {
  client_id       = "id"
  client_secret   = "secret"
  credential_file = "/nowhere/cred_file.json"
}
` + bucket,
				PlanOnly:    true,
				ExpectError: errorMatching("Invalid Attribute Combination", "cannot be configured together", "client_id,credential_file"),
			},
			{
				Config:      `provider "hcppacker" { project_id = "not-a-uuid" }` + bucket,
				PlanOnly:    true,
				ExpectError: errorMatching("project_id", "HCP project id", "lower case"),
			},
			{
				// HCP answers "not found" for an upper-case spelling.
				Config:      `provider "hcppacker" { project_id = "4F1E6C52-5A1C-4A5F-9F6E-0C3B1D2A7E88" }` + bucket,
				PlanOnly:    true,
				ExpectError: errorMatching("project_id", "HCP project id", "lower case"),
			},
			{
				Config:      `provider "hcppacker" { request_timeout = "30" }` + bucket,
				PlanOnly:    true,
				ExpectError: errorMatching("Invalid Request Timeout", "30s or 2m"),
			},
		},
	})
}

// TestAccProvider_unknownConfig checks that a provider setting known only
// after apply yields an error naming the setting instead of a crash.
func TestAccProvider_unknownConfig(t *testing.T) {
	t.Parallel()

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "terraform_data" "project" {
  input = %q
}

provider "hcppacker" {
  project_id = terraform_data.project.output
}
`, acctest.Location(t).ProjectID) + bucketConfig(acctest.RandomName("bucket"), "", ""),
				ExpectError: errorMatching("Unknown Provider Setting", "project_id", "only known after apply"),
			},
		},
	})
}

// TestAccProvider_invalidNamesFailValidation checks that malformed names and
// fingerprints are caught by validation, before any API call.
func TestAccProvider_invalidNamesFailValidation(t *testing.T) {
	t.Parallel()
	nameRule := `must be 3 to 36 characters long, use only letters, digits and hyphens`
	fingerprintRule := `must be 1 to 40 characters long`

	steps := []resource.TestStep{}
	for _, tc := range []struct{ config, want string }{
		{bucketConfig("under_score", "", ""), nameRule},
		{bucketConfig("ab", "", ""), nameRule},
		{channelConfig("web-server", "-stable", false), nameRule},
		{channelConfig("bad.bucket", "stable", false), nameRule},
		{assignmentOnlyConfig("web-server", "stable", "has space"), fingerprintRule},
		{assignmentOnlyConfig("web-server", "stable", strings.Repeat("a", 41)), fingerprintRule},
		{revocationConfig("web-server", "-leading-hyphen", ""), fingerprintRule},
		{revocationConfig("web server", "01JABC", ""), nameRule},
	} {
		steps = append(steps, resource.TestStep{
			Config:      tc.config,
			PlanOnly:    true,
			ExpectError: errorMatching(tc.want),
		})
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccProvider_secretNeverLogged runs a full apply with TRACE logging
// (Terraform's and the provider's, both sent to one file) and checks that
// the client secret appears neither in the log nor in the state: first with
// the credentials in the environment, then with them in the provider block,
// which hands the secret through Terraform and the framework. It is not
// parallel because it changes the process environment.
func TestAccProvider_secretNeverLogged(t *testing.T) {
	secret := acctest.Server(t).Principal(acctest.RoleContributor).ClientSecret
	if len(secret) < 8 {
		t.Fatalf("the contributor's secret %q is too short to search for reliably", secret)
	}
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")

	bucket, channel := acctest.RandomName("bucket"), acctest.RandomName("chan")
	v1 := acctest.PublishVersion(t, bucket)
	v2 := acctest.PublishVersion(t, bucket)
	resources := fmt.Sprintf(`
resource "hcppacker_bucket" "managed" {
  name = %q
}

resource "hcppacker_channel" "test" {
  bucket_name = %q
  name        = %q
}

resource "hcppacker_channel_assignment" "test" {
  bucket_name         = hcppacker_channel.test.bucket_name
  channel_name        = hcppacker_channel.test.name
  version_fingerprint = %q
}

resource "hcppacker_version_revocation" "test" {
  bucket_name         = %q
  version_fingerprint = %q
}
`, acctest.RandomName("bucket"), bucket, channel, v1.Fingerprint, bucket, v2.Fingerprint)
	secretNotInState := func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(v, secret) {
					return fmt.Errorf("the client secret is in the state at %s.%s", addr, k)
				}
			}
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: resources, Check: secretNotInState},
			{Config: acctest.ProviderBlock(t, acctest.RoleContributor) + resources, Check: secretNotInState},
		},
	})

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	// The log must hold the provider's own lines, or the check below
	// would pass for the wrong reason.
	if !strings.Contains(string(log), "configured the HCP client") {
		t.Fatalf("the trace log (%d bytes) has no provider log lines", len(log))
	}
	for i, line := range acctest.WithoutTestConfiguration(string(log)) {
		if strings.Contains(line, secret) {
			t.Fatalf("the client secret appears in line %d of the trace log: %s", i+1, strings.ReplaceAll(line, secret, "<SECRET>"))
		}
	}
}
