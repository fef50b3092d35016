// Package doctest runs the shell blocks of the README and the guides that need
// the provider and localhcp installed the way a user installs them: the
// from-clone install itself (`make install` in a fresh clone with an empty
// HOME, then `terraform init` and `terraform plan` with no CLI configuration),
// and the guides' commands, each against a localhcp of its own.
//
// `make doctest` runs it; `make test` leaves it out to stay fast.
package doctest

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/doccheck"
)

// cloneURL is the address the README clones; the test has git fetch it from
// the repository under test instead, so it tests what is committed there.
const cloneURL = "https://github.com/golden-image/terraform-provider-hcppacker.git"

// TestInstallFromClone runs three blocks of README.md: the from-clone install
// commands (which templates/index.md.tmpl must repeat exactly), the plain
// configuration (as main.tf, plus a data source so that the plan calls the
// API) and the commands that run it against HCP, with the exports'
// placeholders filled from `localhcp env` instead of a real service principal.
func TestInstallFromClone(t *testing.T) {
	t.Parallel()
	root := doccheck.RepoRoot(t)
	tmp := t.TempDir()
	env := cleanEnv(t, tmp)
	env = append(env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=url."+root+".insteadOf", "GIT_CONFIG_VALUE_0="+cloneURL)

	install := doccheck.Block(t, "README.md", "TestInstallFromClone")
	if index := doccheck.Block(t, "templates/index.md.tmpl", "TestInstallFromClone"); index != install {
		t.Errorf("templates/index.md.tmpl shows other install commands than the README:\n%s\nthe README's:\n%s", index, install)
	}
	out := runBash(t, tmp, env, install, 10*time.Minute)
	s := startInstalled(t, tmp, env)
	for _, path := range []string{s.gobin, filepath.Join(s.home, ".terraform.d", "plugins")} {
		if !strings.Contains(out, path) {
			t.Errorf("make install does not say it installed into %s; its output:\n%s", path, out)
		}
	}

	work := filepath.Join(tmp, "work")
	writeFile(t, filepath.Join(work, "main.tf"), doccheck.Block(t, "README.md", "TestInstallFromClone/main.tf")+`
data "hcppacker_bucket_names" "all" {}

output "buckets" {
  value = data.hcppacker_bucket_names.all.names
}
`)
	out = s.run(t, work, fillPlaceholders(t, doccheck.Block(t, "README.md", "TestInstallFromClone/hcp")))
	if !regexp.MustCompile(`Installed golden-image/hcppacker v\d+\.\d+\.\d+ \(unauthenticated\)`).MatchString(out) {
		t.Errorf("terraform init did not install golden-image/hcppacker from the implied mirror; its output:\n%s", out)
	}
	if !strings.Contains(out, "Changes to Outputs") {
		t.Errorf("terraform plan did not read the bucket names from localhcp; its output:\n%s", out)
	}
}

// placeholder is an export whose value the README leaves to the reader.
var placeholder = regexp.MustCompile(`(?m)^export (HCP_\w+)=\.\.\.`)

// fillPlaceholders gives each placeholder export the value localhcp's own
// exports set, and fails when the block has none or keeps any "...".
func fillPlaceholders(t *testing.T, block string) string {
	t.Helper()
	if !placeholder.MatchString(block) {
		t.Fatalf("the README's HCP block has no `export HCP_…=...` placeholder to fill:\n%s", block)
	}
	filled := placeholder.ReplaceAllString(block, `export $1="$$$1"`)
	if strings.Contains(filled, "...") {
		t.Fatalf("the README's HCP block has a placeholder the test cannot fill:\n%s", filled)
	}
	return filled
}
