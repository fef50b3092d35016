package doctest

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/doccheck"
)

// TestPipelineGuide runs the golden image pipeline guide's `localhcp
// publish`, then applies examples/golden-image-pipeline with that version on
// both channels: the deployment must get the image the command published. The
// guide's later steps are variable changes, which internal/pipeline walks.
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
	got := s.run(t, work, `printf '%s %s\n' "$(terraform output -raw stable_image_id)" "$(terraform output -raw stable_status)"`)
	if want := image + " VERSION_ACTIVE"; lastLine(got) != want {
		t.Errorf("after the apply, stable serves %q, want %q: the image the guide's command published", lastLine(got), want)
	}
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
