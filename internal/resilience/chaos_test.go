package resilience

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
	"github.com/golden-image/terraform-provider-hcppacker/internal/provider"
)

// The chaos test runs `terraform apply` and `terraform plan` in a loop on a
// mixed configuration while the localhcp process they talk to is killed
// (SIGKILL) or stopped (SIGTERM) at random moments and restarted on the same
// port and data directory. Commands that fail are simply followed by the
// next; at the end, applies with the server left alone must converge, the
// state must equal what localhcp holds, and a further plan must be empty.
//
// The default is short enough for `make test`; for a longer run:
//
//	TF_ACC=1 go test ./internal/resilience -run TestAccChaos -chaos.rounds=60 -chaos.duration=10m -v
var (
	chaosRounds   = flag.Int("chaos.rounds", 6, "terraform commands the chaos test interrupts")
	chaosDuration = flag.Duration("chaos.duration", 90*time.Second, "longest time the chaos test interrupts commands for")
	chaosSeed     = flag.Uint64("chaos.seed", 0, "seed of the chaos test's choices (0: derived from the time)")
)

// chaosProviderEnv, when set, makes this test binary serve the provider
// instead of running tests: Terraform starts it as its plugin, so that the
// provider runs with the environment that points it at the chaos server.
const chaosProviderEnv = "RESILIENCE_CHAOS_PROVIDER"

// chaosProviderSource is where the chaos configuration finds the provider.
const (
	chaosProviderSource  = "registry.terraform.io/golden-image/hcppacker"
	chaosProviderVersion = "0.0.1"
)

// serveProviderForChaosTest runs in the process Terraform starts as its
// provider plugin.
func serveProviderForChaosTest() int {
	err := providerserver.Serve(context.Background(), provider.New("chaos"), providerserver.ServeOpts{
		Address: chaosProviderSource, ProtocolVersion: 6,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos-test provider:", err)
		return 1
	}
	return 0
}

// chaosFixture is what the configuration reads: versions published into
// bucket "chaos-app" and a "stable" channel in "chaos-base".
type chaosFixture struct {
	app []string // fingerprints; the last one is revoked by the configuration
}

// chaosConfig is variant k of the configuration: buckets, channels with
// assignments, a revocation and data sources. Variants differ in what they
// assign, restrict and how many buckets they keep, so that every apply has
// work to do.
func chaosConfig(f chaosFixture, k int) string {
	assigned := f.app[:len(f.app)-1]
	quoted := make([]string, len(assigned))
	for i, fp := range assigned {
		quoted[i] = fmt.Sprintf("%q", fp)
	}
	return fmt.Sprintf(`
terraform {
  required_providers {
    hcppacker = { source = %q }
  }
}

locals {
  fingerprints = [%s]
  variant      = %d
}

resource "hcppacker_bucket" "b" {
  count       = 2 + local.variant %% 2
  name        = "chaos-managed-${count.index}"
  description = "variant ${local.variant %% 2}"
}

resource "hcppacker_channel" "managed" {
  bucket_name = hcppacker_bucket.b[0].name
  name        = "release"
}

resource "hcppacker_channel" "c" {
  count       = 6
  bucket_name = "chaos-app"
  name        = "ch-${count.index}"
  restricted  = (count.index + local.variant) %% 2 == 0
}

resource "hcppacker_channel_assignment" "a" {
  count               = 6
  bucket_name         = hcppacker_channel.c[count.index].bucket_name
  channel_name        = hcppacker_channel.c[count.index].name
  version_fingerprint = local.fingerprints[(count.index + local.variant) %% length(local.fingerprints)]
}

resource "hcppacker_version_revocation" "r" {
  bucket_name         = "chaos-app"
  version_fingerprint = %q
  message             = "CVE-2030-0404"
}

data "hcppacker_version" "stable" {
  bucket_name  = "chaos-base"
  channel_name = "stable"
}

data "hcppacker_image" "stable" {
  bucket_name    = "chaos-base"
  channel        = "stable"
  cloud_provider = "aws"
  region         = "us-east-1"
}

output "stable" {
  value = [data.hcppacker_version.stable.fingerprint, data.hcppacker_image.stable.cloud_image_id]
}
`, strings.TrimPrefix(chaosProviderSource, "registry.terraform.io/"), strings.Join(quoted, ", "), k, f.app[len(f.app)-1])
}

// chaosOutcome is how one interrupted command ended.
type chaosOutcome struct {
	command, signal string
	midCommand      bool // the signal came before the command ended
	failed          bool
	reason          string
}

func TestAccChaos_terraformWhileLocalhcpRestarts(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t) // a private HOME for the SDK's token cache
	seed := *chaosSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("chaos seed %d (replay with -chaos.seed=%d)", seed, seed)

	dir := t.TempDir()
	srv := startCrashServer(t, dir, "127.0.0.1:0")
	addr := strings.TrimPrefix(srv.info.URL, "https://")
	env := chaosHCPEnv(srv.info, addr)
	fixture := seedChaosRegistry(t, env)

	tf := newChaosTerraform(t, env)
	tf.write(t, chaosConfig(fixture, 0))
	if out, err := tf.run(context.Background(), "init", "-input=false", "-no-color", "-plugin-dir="+tf.pluginDir); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}

	// An apply left alone shows the configuration works and how long a
	// command takes, which bounds when the faults come.
	start := time.Now()
	if out, err := tf.run(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the first apply, with no fault, failed: %v\n%s", err, out)
	}
	span := time.Since(start)
	t.Logf("an apply left alone takes %s", span.Round(time.Millisecond))

	var outcomes []chaosOutcome
	deadline := time.Now().Add(*chaosDuration)
	for round := 0; round < *chaosRounds && time.Now().Before(deadline); round++ {
		tf.write(t, chaosConfig(fixture, round))
		command := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
		if rng.IntN(3) == 0 {
			command = []string{"plan", "-input=false", "-no-color"}
		}
		sig := syscall.SIGKILL
		if rng.IntN(2) == 0 {
			sig = syscall.SIGTERM
		}
		// The fault comes at a random moment of the command.
		delay := time.Duration(rng.Int64N(int64(span)))
		done := make(chan struct{})
		var out string
		var err error
		go func() {
			defer close(done)
			out, err = tf.run(context.Background(), command...)
		}()
		timer := time.NewTimer(delay)
		midCommand := true
		select {
		case <-timer.C:
		case <-done:
			midCommand = false
		}
		srv.signal(t, sig)
		srv = startCrashServer(t, dir, addr)
		<-done
		timer.Stop()
		o := chaosOutcome{command: command[0], signal: sig.String(), failed: err != nil, midCommand: midCommand}
		if err != nil {
			o.reason = errorsOf(out)
		}
		outcomes = append(outcomes, o)
	}

	// Converge with the server left alone: an apply or two must succeed.
	last := chaosConfig(fixture, len(outcomes))
	tf.write(t, last)
	converged := false
	for attempt := 1; attempt <= 3 && !converged; attempt++ {
		out, err := tf.run(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color")
		if err != nil {
			t.Logf("apply %d after the chaos failed: %s", attempt, errorsOf(out))
			continue
		}
		converged = true
	}
	reportChaos(t, outcomes)
	if !converged {
		t.Fatal("terraform apply did not succeed within three attempts after the chaos ended")
	}
	out, err := tf.run(context.Background(), "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if err != nil {
		t.Fatalf("the plan after convergence is not empty or failed: %v\n%s", err, out)
	}
	state := tf.state(t)
	api := connectCrashAPI(t, srv)
	if diffs := chaosStateDiffs(context.Background(), api, state); len(diffs) > 0 {
		t.Fatalf("the state differs from localhcp:\n%s", strings.Join(diffs, "\n"))
	}
	srv.stop(t)
	checkDatabaseFile(t, dir)
}

// reportChaos logs how each interrupted command ended, grouping failures by
// their first error line.
func reportChaos(t *testing.T, outcomes []chaosOutcome) {
	t.Helper()
	failed := map[string]int{}
	counts := map[string]int{}
	for _, o := range outcomes {
		key := o.command + " " + o.signal
		if !o.midCommand {
			key += " (after it ended)"
		}
		counts[key]++
		if o.failed {
			counts[key+" failed"]++
			failed[o.command+": "+o.reason]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d interrupted commands:", len(outcomes))
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%d", k, counts[k])
	}
	for reason, n := range failed {
		fmt.Fprintf(&b, "\n  %d× %s", n, reason)
	}
	t.Log(b.String())
}

// errorsOf lists Terraform's diagnostics in its output, each as its summary
// and the first line of its detail, or gives the output's last line.
func errorsOf(out string) string {
	lines := strings.Split(out, "\n")
	var found []string
	for i, line := range lines {
		if !strings.HasPrefix(strings.TrimSpace(line), "Error:") {
			continue
		}
		msg := strings.TrimSpace(line)
		for _, next := range lines[i+1:] {
			next = strings.TrimSpace(next)
			if next == "" || strings.HasPrefix(next, "with ") || strings.HasPrefix(next, "on ") || sourceLine.MatchString(next) ||
				next == "(source code not available)" {
				continue
			}
			if len(next) > 160 {
				next = next[:160] + "…"
			}
			msg += " — " + next
			break
		}
		if !slices.Contains(found, msg) {
			found = append(found, msg)
		}
	}
	if len(found) == 0 {
		return strings.TrimSpace(lines[len(lines)-1])
	}
	return strings.Join(found, "; ")
}

// sourceLine is a line of configuration Terraform quotes in a diagnostic.
var sourceLine = regexp.MustCompile(`^[0-9]+:`)

// chaosHCPEnv is what the provider and the publisher need to reach the
// chaos server as its contributor.
func chaosHCPEnv(info crashServerInfo, addr string) []string {
	return []string{
		"HCP_AUTH_URL=" + info.URL, "HCP_AUTH_TLS=insecure", "HCP_API_ADDRESS=" + addr, "HCP_API_TLS=insecure",
		"HCP_CLIENT_ID=" + info.ClientID, "HCP_CLIENT_SECRET=" + info.ClientSecret,
		"HCP_ORGANIZATION_ID=" + info.Organization, "HCP_PROJECT_ID=" + info.Project,
	}
}

// seedChaosRegistry publishes four versions into "chaos-app" and one on
// channel "stable" of "chaos-base", as packer build does.
func seedChaosRegistry(t *testing.T, env []string) chaosFixture {
	t.Helper()
	ctx := context.Background()
	var f chaosFixture
	for i := range 4 {
		res, err := publish.Publish(ctx, env, publish.Options{Bucket: "chaos-app", Builds: []publish.Build{{
			Platform: "aws", Region: "us-east-1", ExternalIdentifier: fmt.Sprintf("ami-app-%d", i),
		}}})
		if err != nil {
			t.Fatalf("publish the chaos fixtures: %v", err)
		}
		f.app = append(f.app, res.Fingerprint)
	}
	_, err := publish.Publish(ctx, env, publish.Options{
		Bucket: "chaos-base", Channels: []string{"stable"}, CreateChannels: true,
		Builds: []publish.Build{{Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-base"}},
	})
	if err != nil {
		t.Fatalf("publish the chaos fixtures: %v", err)
	}
	return f
}

// chaosTerraform runs the Terraform CLI in one working directory, with this
// test binary laid out as the provider plugin.
type chaosTerraform struct {
	bin, dir, pluginDir string
	env                 []string
}

func newChaosTerraform(t *testing.T, hcpEnv []string) *chaosTerraform {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("the Terraform CLI is not on PATH: %v", err)
	}
	root := t.TempDir()
	tf := &chaosTerraform{bin: bin, dir: filepath.Join(root, "work"), pluginDir: filepath.Join(root, "plugins")}
	home := filepath.Join(root, "home")
	plugin := filepath.Join(tf.pluginDir, chaosProviderSource, chaosProviderVersion, runtime.GOOS+"_"+runtime.GOARCH,
		"terraform-provider-hcppacker_v"+chaosProviderVersion)
	for _, d := range []string{tf.dir, home, filepath.Dir(plugin)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := linkOrCopy(os.Args[0], plugin); err != nil {
		t.Fatalf("lay out the test binary as the provider plugin: %v", err)
	}
	tf.env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TF_CLI_CONFIG_FILE=" + os.DevNull,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0", chaosProviderEnv + "=1",
		// Nobody reads the plugin's logs; writing them only costs time.
		"TF_LOG_SDK=OFF", "TF_LOG_SDK_PROTO=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_PROVIDER_HCPPACKER=OFF",
	}, hcpEnv...)
	return tf
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func (tf *chaosTerraform) write(t *testing.T, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// run runs one Terraform command, bounded in time, and returns its
// combined output.
func (tf *chaosTerraform) run(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir, cmd.Env = tf.dir, tf.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// state reads the state through `terraform show -json`.
func (tf *chaosTerraform) state(t *testing.T) *tfjson.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf.bin, "show", "-json")
	cmd.Dir, cmd.Env = tf.dir, tf.env
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	var s tfjson.State
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("decode terraform show -json: %v", err)
	}
	return &s
}

// chaosStateDiffs compares the managed resources in the state with
// localhcp: buckets exist, channels exist with the state's restricted flag,
// assignments point where the state says, the revoked version is revoked,
// and nothing is in localhcp twice.
func chaosStateDiffs(ctx context.Context, api *rawAPI, state *tfjson.State) []string {
	var diffs []string
	channelsOf := map[string]map[string]wireChannel{}
	channels := func(bucket string) map[string]wireChannel {
		if cs, ok := channelsOf[bucket]; ok {
			return cs
		}
		list, err := api.listChannels(ctx, bucket)
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("list the channels of %q: %v", bucket, err))
		}
		cs := map[string]wireChannel{}
		for _, ch := range list {
			if _, dup := cs[ch.Name]; dup {
				diffs = append(diffs, fmt.Sprintf("bucket %q lists channel %q twice", bucket, ch.Name))
			}
			cs[ch.Name] = ch
		}
		channelsOf[bucket] = cs
		return cs
	}
	counts := map[string]int{}
	for _, r := range stateResources(state) {
		counts[r.Type]++
		attr := func(k string) string { s, _ := r.AttributeValues[k].(string); return s }
		switch r.Type {
		case "hcppacker_bucket":
			var got struct {
				Bucket struct {
					Description string `json:"description"`
				} `json:"bucket"`
			}
			if err := api.call(ctx, http.MethodGet, "/buckets/"+attr("name"), nil, &got); err != nil {
				diffs = append(diffs, fmt.Sprintf("%s: bucket %q: %v", r.Address, attr("name"), err))
			} else if got.Bucket.Description != attr("description") {
				diffs = append(diffs, fmt.Sprintf("%s: description %q in localhcp, %q in the state", r.Address, got.Bucket.Description, attr("description")))
			}
		case "hcppacker_channel":
			ch, ok := channels(attr("bucket_name"))[attr("name")]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s: channel %q is not in localhcp", r.Address, attr("name")))
				continue
			}
			diffs = append(diffs, compareAttributes(r, map[string]any{"id": ch.ID, "restricted": ch.Restricted})...)
		case "hcppacker_channel_assignment":
			ch := channels(attr("bucket_name"))[attr("channel_name")]
			if got := fingerprintOf(ch.Version); got != attr("version_fingerprint") {
				diffs = append(diffs, fmt.Sprintf("%s: channel %q serves %q in localhcp, %q in the state", r.Address, attr("channel_name"), got, attr("version_fingerprint")))
			}
		case "hcppacker_version_revocation":
			var got struct {
				Version wireVersion `json:"version"`
			}
			if err := api.call(ctx, http.MethodGet, "/buckets/chaos-app/versions/"+attr("version_fingerprint"), nil, &got); err != nil || got.Version.Status != "VERSION_REVOKED" {
				diffs = append(diffs, fmt.Sprintf("%s: version %q is %q in localhcp (%v), want revoked", r.Address, attr("version_fingerprint"), got.Version.Status, err))
			}
		}
	}
	// Buckets are 2 or 3, by variant; each one in the state is checked above.
	want := map[string]int{"hcppacker_channel": 7, "hcppacker_channel_assignment": 6, "hcppacker_version_revocation": 1}
	for typ, n := range want {
		if counts[typ] != n {
			diffs = append(diffs, fmt.Sprintf("the state holds %d %s, want %d", counts[typ], typ, n))
		}
	}
	if n := len(channels("chaos-app")); n != 7 {
		diffs = append(diffs, fmt.Sprintf("bucket chaos-app has %d channels in localhcp, want the 6 of the configuration and latest", n))
	}
	return diffs
}
