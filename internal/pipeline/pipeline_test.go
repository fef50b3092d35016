package pipeline_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// exampleDir is the example under test, loaded as it ships.
const exampleDir = "../../examples/golden-image-pipeline"

// registry is a bucket of the monthly base images of the example's story,
// each with one AMI in us-east-1.
type registry struct {
	t      *testing.T
	bucket string
	ami    map[string]string // AMI id by fingerprint
}

const (
	june   = "base-2024-06"
	july   = "base-2024-07" // the one a CVE lands in
	august = "base-2024-08" // the fix
)

// newRegistry publishes the given fingerprints, in order, to a fresh bucket.
func newRegistry(t *testing.T, fingerprints ...string) *registry {
	r := &registry{t: t, bucket: acctest.RandomName("golden"), ami: map[string]string{}}
	for _, fp := range fingerprints {
		r.publish(fp)
	}
	return r
}

func (r *registry) publish(fingerprint string) {
	b := acctest.AMIBuild("us-east-1")
	acctest.PublishVersion(r.t, r.bucket, acctest.WithFingerprint(fingerprint), acctest.WithBuilds(b))
	r.ami[fingerprint] = b.ExternalIdentifier
}

// revocation is one entry of the example's revocations variable; the zero
// value takes the example's defaults (revoke now, allow rollback).
type revocation struct {
	revokeIn   string
	noRollback bool
}

// vars are the example's variables for channels on dev and stable and
// the given revocations.
func (r *registry) vars(dev, stable string, revocations map[string]revocation) config.Variables {
	entries := map[string]config.Variable{}
	for fp, rev := range revocations {
		attrs := map[string]config.Variable{}
		if rev.revokeIn != "" {
			attrs["revoke_in"] = config.StringVariable(rev.revokeIn)
		}
		if rev.noRollback {
			attrs["rollback"] = config.BoolVariable(false)
		}
		entries[fp] = config.ObjectVariable(attrs)
	}
	return config.Variables{
		"bucket_name":        config.StringVariable(r.bucket),
		"dev_fingerprint":    config.StringVariable(dev),
		"stable_fingerprint": config.StringVariable(stable),
		"revocations":        config.MapVariable(entries),
	}
}

// step applies the example with these variables.
func (r *registry) step(dev, stable string, revocations map[string]revocation) resource.TestStep {
	return resource.TestStep{
		// Step-level factories: the example has its own provider block,
		// which rules out case-level ones.
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		ConfigDirectory:          config.StaticDirectory(exampleDir),
		ConfigVariables:          r.vars(dev, stable, revocations),
	}
}

// apiCheck runs a check against the registry after a step. The example's
// for_each rules out a TestStep.Check, which reads a legacy form of the
// state that has no string keys.
type apiCheck func() error

func (c apiCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c()
}

// serves checks what the channels serve, through the API, and that the
// outputs say the same.
func (r *registry) serves(dev, stable string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("dev_fingerprint", knownvalue.StringExact(dev)),
		statecheck.ExpectKnownOutputValue("stable_fingerprint", knownvalue.StringExact(stable)),
		statecheck.ExpectKnownOutputValue("stable_image_id", knownvalue.StringExact(r.ami[stable])),
		apiCheck(func() error {
			for channel, want := range map[string]string{"dev": dev, "stable": stable} {
				if got := r.channelVersion(channel); got != want {
					return fmt.Errorf("channel %q of bucket %q serves %q, want %q", channel, r.bucket, got, want)
				}
			}
			return nil
		}),
	}
}

func (r *registry) channelVersion(channel string) string {
	ch, err := acctest.Client(r.t).GetChannel(context.Background(), acctest.Location(r.t), r.bucket, channel)
	if err != nil {
		r.t.Fatalf("read channel %q of bucket %q: %v", channel, r.bucket, err)
	}
	if ch.Version == nil {
		return "none"
	}
	return ch.Version.Fingerprint
}

// status checks the registry's status of each version.
func (r *registry) status(want map[string]string) apiCheck {
	return func() error {
		for fp, status := range want {
			v, err := acctest.Client(r.t).GetVersion(context.Background(), acctest.Location(r.t), r.bucket, fp)
			if err != nil {
				return err
			}
			if v.Status != status {
				return fmt.Errorf("version %q of bucket %q has status %s, want %s", fp, r.bucket, v.Status, status)
			}
		}
		return nil
	}
}

// walk is a path through the example: its steps, then the destroy that
// resource.Test ends with, after which no channel is left and every
// version is restored.
func (r *registry) walk(steps ...resource.TestStep) {
	// The destroy is a step of its own: the one resource.Test ends with,
	// like CheckDestroy, reads the legacy state (see apiCheck).
	last := steps[len(steps)-1]
	steps = append(steps, resource.TestStep{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		ConfigDirectory:          last.ConfigDirectory,
		ConfigVariables:          last.ConfigVariables,
		Destroy:                  true,
	})
	resource.Test(r.t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(r.t) },
		Steps:    steps,
	})
	if r.t.Failed() {
		return
	}
	for _, channel := range []string{"dev", "stable"} {
		_, err := acctest.Client(r.t).GetChannel(context.Background(), acctest.Location(r.t), r.bucket, channel)
		if !client.IsNotFound(err) {
			r.t.Errorf("channel %q of bucket %q after destroy: %v, want NotFound", channel, r.bucket, err)
		}
	}
	active := map[string]string{}
	for fp := range r.ami {
		active[fp] = client.VersionStatusActive
	}
	if err := r.status(active)(); err != nil {
		r.t.Errorf("after destroy: %v", err)
	}
}

// applied is a step that applies the example and checks what the channels
// serve, the outputs and the status of the versions.
func (r *registry) applied(dev, stable string, revocations map[string]revocation, status map[string]string) resource.TestStep {
	s := r.step(dev, stable, revocations)
	s.ConfigStateChecks = append(r.serves(dev, stable), r.status(status))
	return s
}

// TestAccPipeline_revokeNowAndPromoteTheFix walks the path of a CVE found in
// the version stable serves: promote, revoke it now while promoting the fix
// in the same apply, then keep applying. The revocation names its version,
// so the fix never inherits it and the CVE version stays revoked.
func TestAccPipeline_revokeNowAndPromoteTheFix(t *testing.T) {
	r := newRegistry(t, june, july, august)
	cve := map[string]revocation{july: {}}
	revokedJuly := map[string]string{july: client.VersionStatusRevoked, august: client.VersionStatusActive}

	fixed := r.applied(august, august, cve, revokedJuly)
	fixed.ConfigStateChecks = append(fixed.ConfigStateChecks,
		statecheck.ExpectKnownOutputValue("stable_status", knownvalue.StringExact(client.VersionStatusActive)),
		statecheck.ExpectKnownOutputValue("revocations", knownvalue.MapExact(map[string]knownvalue.Check{
			july: knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"status":  knownvalue.StringExact(client.VersionStatusRevoked),
				"revoked": knownvalue.Bool(true),
			}),
		})))
	again := r.applied(august, august, cve, revokedJuly)
	again.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	r.walk(
		r.applied(august, june, nil, map[string]string{june: client.VersionStatusActive}),
		// Promote.
		r.applied(august, july, nil, map[string]string{july: client.VersionStatusActive}),
		// Revoke now and promote the fix, in one apply.
		fixed,
		// Applying again changes nothing: the revocation stays on the CVE version.
		again,
	)
}

// TestAccPipeline_revokeNowAndRollBack walks a rollback: the CVE version is
// revoked now and stable goes back to the version before it, then the
// version is restored and stable serves it again, each in one apply.
func TestAccPipeline_revokeNowAndRollBack(t *testing.T) {
	r := newRegistry(t, june, july, august)
	cve := map[string]revocation{july: {}}

	stillServed := r.step(august, july, cve)
	stillServed.ExpectError = acctest.ErrorMatching("Resource precondition failed", july, "channels still serve it (stable_fingerprint)",
		"fixed version", "roll back")

	r.walk(
		r.applied(august, june, nil, nil),
		r.applied(august, july, nil, nil),
		// A revocation now of the version stable keeps serving is refused at
		// plan time: the channel must say what it serves next.
		stillServed,
		r.applied(august, july, nil, map[string]string{july: client.VersionStatusActive}),
		// Roll back: stable to June and July revoked, in one apply.
		r.applied(august, june, cve, map[string]string{july: client.VersionStatusRevoked}),
		// Restore: July comes back and stable serves it again, in one apply,
		// although July is revoked when the plan is made.
		r.applied(august, july, nil, map[string]string{july: client.VersionStatusActive}),
	)
}

// TestAccPipeline_scheduledRevocationKeepsStable walks a revocation
// scheduled with rollback disabled: plans pass until it takes effect, then
// stop at the deployment's precondition; promoting the fix is one apply,
// and the CVE version stays revoked.
func TestAccPipeline_scheduledRevocationKeepsStable(t *testing.T) {
	r := newRegistry(t, june, july, august)
	scheduled := map[string]revocation{july: {revokeIn: "10m", noRollback: true}}

	pending := r.applied(august, july, scheduled, map[string]string{july: client.VersionStatusRevocationScheduled})
	pending.ConfigStateChecks = append(pending.ConfigStateChecks,
		statecheck.ExpectKnownOutputValue("stable_revocation_scheduled", knownvalue.Bool(true)),
		statecheck.ExpectKnownOutputValue("stable_revoke_at", knownvalue.NotNull()))

	stopped := r.step(august, july, scheduled)
	stopped.PreConfig = func() { acctest.AdvanceClock(t, 11*time.Minute) }
	stopped.PlanOnly = true
	stopped.ExpectError = acctest.ErrorMatching("Resource precondition failed", r.ami[july], july, "was revoked at",
		"Set stable_fingerprint to a fixed version")

	r.walk(
		r.applied(august, july, nil, nil),
		pending,
		stopped,
		// The revocation took effect with stable left on July.
		r.applied(august, august, scheduled, map[string]string{july: client.VersionStatusRevoked}),
	)
}

// TestAccPipeline_scheduledRevocationRollsBack walks a revocation scheduled
// with rollback allowed: when it takes effect HCP Packer moves stable back
// to June by itself, the configuration adopts that, and a restore later puts
// July back on stable in one apply.
func TestAccPipeline_scheduledRevocationRollsBack(t *testing.T) {
	r := newRegistry(t, june, july)
	scheduled := map[string]revocation{july: {revokeIn: "10m"}}

	rolledBack := r.applied(june, june, scheduled, map[string]string{july: client.VersionStatusRevoked})
	rolledBack.PreConfig = func() {
		acctest.AdvanceClock(t, 11*time.Minute)
		if got := r.channelVersion("stable"); got != june {
			t.Fatalf("after the revocation took effect, stable serves %q, want the rollback to %q", got, june)
		}
	}
	rolledBack.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		// HCP Packer already moved stable: nothing is left to assign.
		plancheck.ExpectResourceAction("hcppacker_channel_assignment.stable", plancheck.ResourceActionNoop),
	}}

	r.walk(
		r.applied(june, june, nil, nil),
		r.applied(june, july, nil, nil),
		r.applied(june, july, scheduled, map[string]string{july: client.VersionStatusRevocationScheduled}),
		rolledBack,
		r.applied(june, july, nil, map[string]string{july: client.VersionStatusActive}),
	)
}

// TestAccPipeline_noEarlierVersion walks the case where the channels have
// nothing to fall back to (neither ever served another version): revoking
// their version now is refused at plan time with a way out, the scheduled
// revocation with rollback leaves them unassigned once it takes effect, and
// from there both ways out — restore, or promote the fix — take one apply.
func TestAccPipeline_noEarlierVersion(t *testing.T) {
	r := newRegistry(t, july, august)
	now := map[string]revocation{july: {}}
	scheduled := map[string]revocation{july: {revokeIn: "10m"}}

	refused := r.step(july, july, now)
	refused.ExpectError = acctest.ErrorMatching("Resource precondition failed", july,
		"channels still serve it (dev_fingerprint, stable_fingerprint)", "schedule the revocation")

	restore := r.applied(july, july, nil, map[string]string{july: client.VersionStatusActive})
	restore.PreConfig = func() {
		acctest.AdvanceClock(t, 11*time.Minute)
		for _, channel := range []string{"dev", "stable"} {
			if got := r.channelVersion(channel); got != "none" {
				t.Fatalf("after the revocation took effect, %s serves %q, want it unassigned", channel, got)
			}
		}
	}

	fix := r.applied(august, august, scheduled, map[string]string{july: client.VersionStatusRevoked, august: client.VersionStatusActive})
	fix.PreConfig = func() { acctest.AdvanceClock(t, 11*time.Minute) }

	r.walk(
		r.applied(july, july, nil, nil),
		refused,
		r.applied(july, july, scheduled, map[string]string{july: client.VersionStatusRevocationScheduled}),
		// Restore after HCP Packer unassigned both channels.
		restore,
		r.applied(july, july, scheduled, map[string]string{july: client.VersionStatusRevocationScheduled}),
		// Promote a fix after the same.
		fix,
	)
}
