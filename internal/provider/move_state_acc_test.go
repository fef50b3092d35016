package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// officialFixture is a state written by hashicorp/hcp v0.114.0 and the
// configuration that produced it (see its README.md).
const officialFixture = "testdata/hashicorp-hcp-v0.114"

// The ids the fixture's state records, which the test replaces with the
// ids of the objects it seeds.
const (
	fixtureOrganizationID = "b9fca21d-fb46-44c0-8183-2ba5fcb7a5cf"
	fixtureProjectID      = "1cd39de8-ba6e-4bb9-99f7-3f15ae15f1de"
)

// The versions the test lays the two providers out as in its mirror.
const (
	mirrorVersionHCPPacker = "0.1.0"
	mirrorVersionHCP       = "0.114.0"
)

// developerHome is HOME as the test process started, before the acceptance
// harness replaced it: `go build` finds its build and module caches (and its
// configuration) under it, and without them would download and compile every
// dependency afresh.
var developerHome = os.Getenv("HOME")

// stateTimeLayout is how the API, hashicorp/hcp and hcppacker render times.
const stateTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// migrationGuidePath is the guide whose moved-block walkthrough the test runs.
const migrationGuidePath = "docs/guides/migrating-from-hashicorp-hcp.md"

// guideSteps are the commands of that walkthrough, in the shell block marked
// "exercised-by: TestAccMoveFromOfficialProvider".
var guideSteps = []string{
	"terraform init",
	"terraform plan -out=move.tfplan",
	"terraform apply move.tfplan",
	"terraform plan -detailed-exitcode",
}

// TestAccMoveFromOfficialProvider runs the migration guide's moved-block
// walkthrough with the real Terraform CLI on the state hashicorp/hcp
// v0.114.0 wrote, plus a bucket IAM binding and policy in its shape: the
// plan shows six moves and nothing else, nothing is written to HCP Packer,
// and the last plan is empty (its exit code is 0).
//
// It is not parallel because localhcp counts requests server-wide: a
// parallel test's writes would count as the migration's.
func TestAccMoveFromOfficialProvider(t *testing.T) {
	acctest.PreCheck(t)
	if got := markedShellBlock(t, migrationGuidePath, t.Name()); !slices.Equal(got, guideSteps) {
		t.Fatalf("%s shows %q, but the test runs %q: change both together", migrationGuidePath, got, guideSteps)
	}
	seeded := seedOfficialFixture(t)
	tf := newMirroredTerraform(t)
	tf.env = append(tf.env, "TF_VAR_viewer_id="+seeded.viewerID, "TF_VAR_contributor_id="+seeded.contributorID)
	copyFile(t, "testdata/moved-from-hashicorp-hcp/main.tf", filepath.Join(tf.dir, "main.tf"))
	writeMovedState(t, filepath.Join(tf.dir, "terraform.tfstate"), seeded)

	before := acctest.Server(t).RequestCounts()
	for _, step := range guideSteps {
		tf.run(t, strings.Fields(step)[1:]...)
	}
	counts := diffCounts(before, acctest.Server(t).RequestCounts())

	plan := tf.showJSON(t, "move.tfplan")
	checkMovesOnly(t, plan, map[string]string{
		"hcppacker_bucket.b":              "hcp_packer_bucket.b",
		"hcppacker_channel.c":             "hcp_packer_channel.c",
		"hcppacker_channel_assignment.a":  "hcp_packer_channel_assignment.a",
		"hcppacker_bucket_iam_binding.ib": "hcp_packer_bucket_iam_binding.ib",
		"hcppacker_bucket_iam_policy.ip":  "hcp_packer_bucket_iam_policy.ip",
		"hcppacker_run_task.rt":           "hcp_packer_run_task.rt",
	})
	// What the refresh adds is only what hashicorp/hcp never recorded.
	checkDriftOnly(t, plan, map[string][]string{
		"hcppacker_bucket.b":              {"id", "latest_version_fingerprint", "updated_at"},
		"hcppacker_channel_assignment.a":  {"version_name"},
		"hcppacker_bucket_iam_binding.ib": {"organization_id"},
		"hcppacker_bucket_iam_policy.ip":  {"organization_id"},
	})
	if writes := writeRequests(counts); len(writes) > 0 {
		t.Errorf("the move wrote to HCP Packer: %v (all requests: %v)", writes, counts)
	}
	if counts["packer.channels.get"] == 0 || counts["packer.buckets.get"] == 0 || counts["resourcemanager.resources.getiampolicy"] == 0 {
		t.Errorf("the plans read no bucket, channel or IAM policy, so the request count cannot show anything: %v", counts)
	}
	checkMovedState(t, tf.showJSON(t, ""), seeded)
}

// markedShellBlock returns the command lines of the fenced block right
// below the line "<!-- exercised-by: name -->" in path (relative to the
// repository root).
func markedShellBlock(t *testing.T, path, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i, line := range lines {
		if line != "<!-- exercised-by: "+name+" -->" || i+1 == len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			continue
		}
		var commands []string
		for _, line := range lines[i+2:] {
			if strings.HasPrefix(line, "```") {
				return commands
			}
			if line = strings.TrimSpace(line); line != "" {
				commands = append(commands, line)
			}
		}
	}
	t.Fatalf("%s has no complete fenced block right below <!-- exercised-by: %s -->", path, name)
	return nil
}

// seededFixture is what seedOfficialFixture created.
type seededFixture struct {
	loc     client.Location
	bucket  *client.Bucket  // mvb2, empty, as hcp_packer_bucket.b created it
	channel *client.Channel // stable in mvb, assigned fp2-mvb
	// The bucket IAM objects of the synthesized state entries (see
	// officialIAMEntries): the viewer bound roles/viewer on mvb, and mvb2's
	// whole policy, which grants the contributor roles/contributor. They
	// are on different buckets so that the policy does not own the binding.
	viewerID      string
	contributorID string
	policyEtag    string
	// runTask is the project registry's run task as localhcp serves it.
	runTask *client.RunTask
}

// seedOfficialFixture creates the objects the fixture's state names: bucket
// mvb with the complete versions fp1-mvb and fp2-mvb and its channel stable
// on fp2-mvb, and the empty bucket mvb2; and, as the admin, the bucket IAM
// objects of officialIAMEntries.
func seedOfficialFixture(t *testing.T) seededFixture {
	t.Helper()
	ctx := context.Background()
	acctest.PublishVersion(t, "mvb", acctest.WithFingerprint("fp1-mvb"))
	acctest.PublishVersion(t, "mvb", acctest.WithFingerprint("fp2-mvb"))
	loc := acctest.Location(t)
	acctest.CreateChannel(t, "mvb", "stable", "fp2-mvb")
	channel, err := acctest.Client(t).GetChannel(ctx, loc, "mvb", "stable")
	if err != nil {
		t.Fatalf("read the seeded channel: %v", err)
	}
	s := seededFixture{loc: loc, bucket: acctest.CreateBucket(t, "mvb2"), channel: channel,
		viewerID:      acctest.Server(t).Principal(acctest.RoleViewer).ID,
		contributorID: acctest.Server(t).Principal(acctest.RoleContributor).ID,
	}
	admin := acctest.ClientAs(t, acctest.RoleAdmin)
	grant := func(bucket, role, principal string) *client.IAMPolicy {
		p, err := client.ModifyBucketIAMPolicy(ctx, admin, loc, bucket, func(p client.IAMPolicy) (client.IAMPolicy, bool) {
			return p.WithMember(role, client.IAMMember{ID: principal, Type: client.MemberTypeServicePrincipal})
		})
		if err != nil {
			t.Fatalf("grant %s on bucket %q to %q: %v", role, bucket, principal, err)
		}
		return p
	}
	grant("mvb", "roles/viewer", s.viewerID)
	s.policyEtag = grant("mvb2", "roles/contributor", s.contributorID).Etag
	if s.runTask, err = acctest.Client(t).GetRunTask(ctx, loc); err != nil {
		t.Fatalf("read the run task: %v", err)
	}
	return s
}

// officialIAMEntries are state entries of hcp_packer_bucket_iam_binding and
// hcp_packer_bucket_iam_policy for the objects seedOfficialFixture made.
// They are synthesized from the official resources' documented state
// shape (resource_name, principal_id and role; resource_name, policy_data
// and etag; policy_data as the API's policy without its etag, in the
// field order hcp-sdk-go's models marshal), because the recorded fixture
// holds no IAM objects.
func officialIAMEntries(s seededFixture) []any {
	entry := func(typ, name string, attrs map[string]any) map[string]any {
		return map[string]any{
			"mode": "managed", "type": typ, "name": name,
			"provider": `provider["registry.terraform.io/hashicorp/hcp"]`,
			"instances": []any{map[string]any{
				"schema_version": 0, "attributes": attrs, "sensitive_attributes": []any{},
			}},
		}
	}
	bucketName := func(bucket string) string { return "packer/project/" + s.loc.ProjectID + "/bucket/" + bucket }
	return []any{
		entry("hcp_packer_bucket_iam_binding", "ib", map[string]any{
			"resource_name": bucketName("mvb"), "principal_id": s.viewerID, "role": "roles/viewer",
		}),
		entry("hcp_packer_bucket_iam_policy", "ip", map[string]any{
			"resource_name": bucketName("mvb2"),
			"policy_data": fmt.Sprintf(`{"bindings":[{"members":[{"member_id":%q,"member_type":"SERVICE_PRINCIPAL"}],`+
				`"role_id":"roles/contributor"}]}`, s.contributorID),
			"etag": s.policyEtag,
		}),
	}
}

// writeMovedState writes the fixture's state with the ids, authors and times
// of the seeded objects in place of those of the server the fixture was
// recorded against, so that a refresh finds the same objects; the run task's
// key and URL, which belong to that server too, become this localhcp's. The
// bucket IAM entries, which the fixture lacks, are added
// (officialIAMEntries).
func writeMovedState(t *testing.T, path string, s seededFixture) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(officialFixture, "v0.114.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.ReplaceAll(raw, []byte(fixtureOrganizationID), []byte(s.loc.OrganizationID))
	raw = bytes.ReplaceAll(raw, []byte(fixtureProjectID), []byte(s.loc.ProjectID))

	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatalf("parse the fixture state: %v", err)
	}
	var kept []any
	for _, r := range state["resources"].([]any) {
		res := r.(map[string]any)
		attrs := res["instances"].([]any)[0].(map[string]any)["attributes"].(map[string]any)
		switch res["type"] {
		case "hcp_packer_run_task":
			attrs["endpoint_url"] = s.runTask.APIURL
			attrs["hmac_key"] = s.runTask.HMACKey
		case "hcp_packer_bucket":
			attrs["created_at"] = s.bucket.CreatedAt.UTC().Format(stateTimeLayout)
		case "hcp_packer_channel":
			attrs["id"] = s.channel.ID
			attrs["author_id"] = s.channel.AuthorID
			attrs["created_at"] = s.channel.CreatedAt.UTC().Format(stateTimeLayout)
			attrs["updated_at"] = s.channel.UpdatedAt.UTC().Format(stateTimeLayout)
		case "hcp_packer_channel_assignment":
			attrs["id"] = s.channel.ID
		}
		kept = append(kept, res)
	}
	state["resources"] = append(kept, officialIAMEntries(s)...)
	out, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// jsonPlan is the part of `terraform show -json` output the checks read,
// for a plan and for a state alike.
type jsonPlan struct {
	ResourceChanges []jsonChange `json:"resource_changes"`
	ResourceDrift   []jsonChange `json:"resource_drift"`
	Values          struct {
		RootModule struct {
			Resources []struct {
				Address      string         `json:"address"`
				ProviderName string         `json:"provider_name"`
				Values       map[string]any `json:"values"`
			} `json:"resources"`
		} `json:"root_module"`
	} `json:"values"`
}

type jsonChange struct {
	Address         string `json:"address"`
	PreviousAddress string `json:"previous_address"`
	Change          struct {
		Actions []string       `json:"actions"`
		Before  map[string]any `json:"before"`
		After   map[string]any `json:"after"`
	} `json:"change"`
}

// checkMovesOnly fails unless the plan's changes are exactly the moves in
// want (target address → source address), with no action on any object.
func checkMovesOnly(t *testing.T, plan jsonPlan, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, c := range plan.ResourceChanges {
		got[c.Address] = c.PreviousAddress
		if !slices.Equal(c.Change.Actions, []string{"no-op"}) {
			t.Errorf("%s (from %q) plans %v, want a move only (no-op)", c.Address, c.PreviousAddress, c.Change.Actions)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("planned moves = %v, want %v", got, want)
	}
}

// checkDriftOnly fails if the refresh after the move changed any attribute
// other than those allowed for the resource.
func checkDriftOnly(t *testing.T, plan jsonPlan, allowed map[string][]string) {
	t.Helper()
	for _, d := range plan.ResourceDrift {
		for _, name := range changedAttributes(d.Change.Before, d.Change.After) {
			if !slices.Contains(allowed[d.Address], name) {
				t.Errorf("the refresh of %s changed %s from %v to %v: the move mapped it wrongly",
					d.Address, name, d.Change.Before[name], d.Change.After[name])
			}
		}
	}
}

func changedAttributes(before, after map[string]any) []string {
	var names []string
	for name := range maps.Keys(after) {
		b, _ := json.Marshal(before[name])
		a, _ := json.Marshal(after[name])
		if !bytes.Equal(a, b) {
			names = append(names, name)
		}
	}
	for name := range maps.Keys(before) {
		if _, ok := after[name]; !ok {
			names = append(names, name)
		}
	}
	return names
}

// checkMovedState checks that every object is now hcppacker's, with the
// values of the seeded objects.
func checkMovedState(t *testing.T, state jsonPlan, s seededFixture) {
	t.Helper()
	want := map[string]map[string]any{
		"hcppacker_bucket.b": {
			"name": "mvb2", "id": s.bucket.ID, "project_id": s.loc.ProjectID, "force_destroy": false,
			"resource_name": "packer/project/" + s.loc.ProjectID + "/bucket/mvb2",
		},
		"hcppacker_channel.c": {
			"bucket_name": "mvb", "name": "stable", "id": s.channel.ID, "restricted": false, "managed": false,
		},
		"hcppacker_channel_assignment.a": {
			"bucket_name": "mvb", "channel_name": "stable", "version_fingerprint": "fp2-mvb", "version_name": "v2",
			"id": s.channel.ID, "organization_id": s.loc.OrganizationID,
		},
		"hcppacker_bucket_iam_binding.ib": {
			"bucket_name": "mvb", "role": "roles/viewer", "principal_id": s.viewerID, "organization_id": s.loc.OrganizationID,
			"id": s.loc.ProjectID + ":mvb:roles/viewer:" + s.viewerID,
		},
		"hcppacker_bucket_iam_policy.ip": {
			"bucket_name": "mvb2", "etag": s.policyEtag, "organization_id": s.loc.OrganizationID,
			"id": "packer/project/" + s.loc.ProjectID + "/bucket/mvb2",
		},
		"hcppacker_run_task.rt": {
			"endpoint_url": s.runTask.APIURL, "hmac_key": s.runTask.HMACKey, "regenerate_hmac": false,
			"project_id": s.loc.ProjectID, "organization_id": s.loc.OrganizationID,
		},
	}
	got := map[string]bool{}
	for _, r := range state.Values.RootModule.Resources {
		got[r.Address] = true
		if r.ProviderName != "registry.terraform.io/golden-image/hcppacker" {
			t.Errorf("%s is managed by %s after the move, want golden-image/hcppacker", r.Address, r.ProviderName)
		}
		for name, v := range want[r.Address] {
			if r.Values[name] != v {
				t.Errorf("%s.%s = %v after the move, want %v", r.Address, name, r.Values[name], v)
			}
		}
	}
	for address := range want {
		if !got[address] {
			t.Errorf("%s is missing from the state after the move", address)
		}
	}
}

// diffCounts returns the requests counted in after but not in before.
func diffCounts(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, n := range after {
		if d := n - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// writeRequests keeps the counts of requests that may change something:
// everything but reads and token requests, unrouted requests included.
func writeRequests(counts map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, n := range counts {
		if k == "oauth2.token" || strings.HasSuffix(k, ".get") || strings.HasSuffix(k, ".list") || strings.HasSuffix(k, ".getiampolicy") {
			continue
		}
		out[k] = n
	}
	return out
}

// mirroredTerraform runs the Terraform CLI in a working directory, with a
// temporary HOME and a CLI configuration that installs providers only from
// a filesystem mirror holding hcppacker, built from this tree, and the
// do-nothing testdata/hcpstub at hashicorp/hcp's address.
type mirroredTerraform struct {
	dir string
	env []string
}

func newMirroredTerraform(t *testing.T) *mirroredTerraform {
	t.Helper()
	mirror := t.TempDir()
	buildProviders(t, mirror)
	home := t.TempDir()
	cliConfig := filepath.Join(home, "terraform.rc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/golden-image/hcppacker", "registry.terraform.io/hashicorp/hcp"]
  }
}
`, mirror))
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "HOME" || strings.HasPrefix(name, "TF_")
	})
	// The guide's commands run as written: TF_INPUT and TF_CLI_ARGS add what a
	// test needs (no prompts, plain output) without changing them.
	env = append(env, "HOME="+home, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_INPUT=0", "TF_CLI_ARGS=-no-color")
	return &mirroredTerraform{dir: t.TempDir(), env: env}
}

// buildProviders builds the provider and the stub with `go build` and lays
// them out in mirror as Terraform's filesystem mirrors expect.
func buildProviders(t *testing.T, mirror string) {
	t.Helper()
	platform := runtime.GOOS + "_" + runtime.GOARCH
	out := t.TempDir()
	cmd := exec.Command("go", "build", "-o", out+string(filepath.Separator),
		"-ldflags", "-X main.version="+mirrorVersionHCPPacker, ".", "./internal/provider/testdata/hcpstub")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "HOME="+developerHome)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build the providers: %v\n%s", err, b)
	}
	for src, dst := range map[string]string{
		"terraform-provider-hcppacker": filepath.Join("registry.terraform.io", "golden-image", "hcppacker",
			mirrorVersionHCPPacker, platform, "terraform-provider-hcppacker_v"+mirrorVersionHCPPacker),
		"hcpstub": filepath.Join("registry.terraform.io", "hashicorp", "hcp",
			mirrorVersionHCP, platform, "terraform-provider-hcp_v"+mirrorVersionHCP),
	} {
		dst = filepath.Join(mirror, dst)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(out, src), dst); err != nil {
			t.Fatal(err)
		}
	}
}

// tfResult is what one terraform command printed and how it exited.
type tfResult struct {
	stdout string
	output string // standard output, then standard error
	code   int
}

// exec runs terraform with args.
func (tf *mirroredTerraform) exec(t *testing.T, args ...string) tfResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "terraform", append([]string{"-chdir=" + tf.dir}, args...)...)
	cmd.Env = tf.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := tfResult{stdout: stdout.String(), output: stdout.String() + stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run terraform %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// run runs terraform with args and fails the test if it fails.
func (tf *mirroredTerraform) run(t *testing.T, args ...string) tfResult {
	t.Helper()
	res := tf.exec(t, args...)
	if res.code != 0 {
		t.Fatalf("terraform %s failed (exit code %d):\n%s", strings.Join(args, " "), res.code, res.output)
	}
	return res
}

// showJSON returns `terraform show -json` of a plan file, or of the state
// when planFile is "".
func (tf *mirroredTerraform) showJSON(t *testing.T, planFile string) jsonPlan {
	t.Helper()
	args := []string{"show", "-json"}
	if planFile != "" {
		args = append(args, planFile)
	}
	var p jsonPlan
	if err := json.Unmarshal([]byte(tf.run(t, args...).stdout), &p); err != nil {
		t.Fatalf("parse terraform %s: %v", strings.Join(args, " "), err)
	}
	return p
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, string(b))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
