package doctest

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/doccheck"
)

// autoApprove answers the prompt of the guides' `terraform apply` commands,
// which a reader answers by hand.
const autoApprove = "TF_CLI_ARGS_apply=-input=false -auto-approve"

// TestPipelineGuide runs the golden image pipeline guide's commands: its
// `localhcp publish`, then, on examples/golden-image-pipeline applied with that
// version on both channels, its fail-closed revocation, which must leave the
// version on stable with the revocation only scheduled.
func TestPipelineGuide(t *testing.T) {
	t.Parallel()
	const guide = "templates/guides/golden-image-pipeline.md.tmpl"
	s := installFromTree(t)
	work := filepath.Join(t.TempDir(), "golden-image-pipeline")
	s.run(t, doccheck.RepoRoot(t), `cp -R examples/golden-image-pipeline "`+work+`"`)

	publish := doccheck.Block(t, guide, "TestPipelineGuide/publish")
	s.run(t, work, publish)
	m := regexp.MustCompile(`--fingerprint (\S+)[\s\S]*--external-id (\S+)`).FindStringSubmatch(publish)
	if m == nil {
		t.Fatalf("the guide's publish command has no --fingerprint and --external-id:\n%s", publish)
	}
	fingerprint, image := m[1], m[2]
	writeFile(t, filepath.Join(work, "terraform.tfvars"), "bucket_name        = \"golden-base\"\n"+
		"dev_fingerprint    = \""+fingerprint+"\"\nstable_fingerprint = \""+fingerprint+"\"\n")
	s.run(t, work, "terraform init -input=false\nterraform apply -input=false -auto-approve")

	s.run(t, work, doccheck.Block(t, guide, "TestPipelineGuide/fail-closed"), autoApprove)
	got := s.run(t, work, `printf '%s %s\n' "$(terraform output -raw stable_image_id)" "$(terraform output -raw stable_status)"`)
	if want := image + " VERSION_REVOCATION_SCHEDULED"; lastLine(got) != want {
		t.Errorf("after the fail-closed revocation, stable serves %q, want %q (the version stays, its revocation scheduled)",
			lastLine(got), want)
	}
}

// TestRevocationGuideRestore runs the revocation guide's way out of a
// rollback: stable served base-1, then base-2; an immediate revocation of
// base-2 rolled stable back to base-1 while its assignment still names
// base-2, so plans refuse the assignment. The guide's two applies, with the
// revocation removed from the configuration, must restore base-2 and put it
// back on stable, leaving nothing to change.
func TestRevocationGuideRestore(t *testing.T) {
	t.Parallel()
	s := installFromTree(t)
	work := t.TempDir()
	s.run(t, work, "localhcp publish --bucket golden-base --fingerprint base-1\n"+
		"localhcp publish --bucket golden-base --fingerprint base-2")

	const channel = `terraform {
  required_providers {
    hcppacker = {
      source = "golden-image/hcppacker"
    }
  }
}

variable "fingerprint" {
  type = string
}

resource "hcppacker_channel" "stable" {
  bucket_name = "golden-base"
  name        = "stable"
}

resource "hcppacker_channel_assignment" "stable" {
  bucket_name         = hcppacker_channel.stable.bucket_name
  channel_name        = hcppacker_channel.stable.name
  version_fingerprint = var.fingerprint
}
`
	const revocation = `
resource "hcppacker_version_revocation" "cve" {
  bucket_name         = "golden-base"
  version_fingerprint = "base-2"
  message             = "CVE in base-2"
}
`
	mainTF, tfvars := filepath.Join(work, "main.tf"), filepath.Join(work, "terraform.tfvars")
	writeFile(t, mainTF, channel)
	for _, fingerprint := range []string{"base-1", "base-2"} {
		writeFile(t, tfvars, `fingerprint = "`+fingerprint+`"`+"\n")
		s.run(t, work, "terraform init -input=false >/dev/null\nterraform apply -input=false -auto-approve")
	}
	writeFile(t, mainTF, channel+revocation)
	s.run(t, work, "terraform apply -input=false -auto-approve")
	if out := s.run(t, work, "terraform plan -input=false -no-color 2>&1 || true"); !strings.Contains(out, "Version Revoked") {
		t.Fatalf("after the rollback, the plan should refuse the revoked assignment, as the guide says; it printed:\n%s", out)
	}

	writeFile(t, mainTF, channel)
	s.run(t, work, doccheck.Block(t, "templates/guides/revocation-and-preconditions.md.tmpl", "TestRevocationGuideRestore"),
		autoApprove)
	s.run(t, work, "terraform plan -input=false -detailed-exitcode")
}

// installFromTree runs `make install` in the repository under test, with the
// environment of a new user, and starts the installed localhcp.
func installFromTree(t *testing.T) *session {
	t.Helper()
	tmp := t.TempDir()
	env := cleanEnv(t, tmp)
	runBash(t, doccheck.RepoRoot(t), env, "make --no-print-directory install", 10*time.Minute)
	return startInstalled(t, tmp, env)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
