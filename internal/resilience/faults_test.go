package resilience

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// faultPairs is how many channel + assignment pairs the fault suite applies.
const faultPairs = 50

// apiFaults is what the fault suite injects while Terraform runs: one API
// answer in five replaced by 429 or 503, and 50 ms added to every answer.
// The 429s announce "Retry-After: 0", which the client answers with its own
// short backoff: the default "1" makes the suite markedly slower, and
// honouring a whole-second Retry-After is covered by the client's unit tests.
var apiFaults = localhcp.Faults{Rate: 0.2, Latency: 50 * time.Millisecond, RetryAfter: time.Millisecond}

// faultConfig declares faultPairs channels in bucket, every other one
// restricted, each assigned one of the fingerprints in turn.
func faultConfig(bucket string, fingerprints []string) string {
	quoted := make([]string, len(fingerprints))
	for i, fp := range fingerprints {
		quoted[i] = fmt.Sprintf("%q", fp)
	}
	return fmt.Sprintf(`
locals {
  fingerprints = [%s]
}

resource "hcppacker_channel" "c" {
  count       = %d
  bucket_name = %q
  name        = format("ch-%%02d", count.index)
  restricted  = count.index %% 2 == 0
}

resource "hcppacker_channel_assignment" "a" {
  count               = %d
  bucket_name         = hcppacker_channel.c[count.index].bucket_name
  channel_name        = hcppacker_channel.c[count.index].name
  version_fingerprint = local.fingerprints[count.index %% length(local.fingerprints)]
}
`, strings.Join(quoted, ", "), faultPairs, bucket, faultPairs)
}

// TestAccFaults_applyUnderInjectedFaults applies 50 channels and 50
// assignments while localhcp answers 20% of API calls with 429 or 503 and
// adds 50 ms to every answer. The apply must succeed without creating
// anything twice, the state must equal what localhcp holds (read with
// faults off), and both the post-apply plans (faults on) and a further
// plan (faults off) must be empty.
//
// It is not parallel: fault injection is server-wide, and Go runs the
// package's parallel tests only after the serial ones, so nothing else
// meets these faults.
func TestAccFaults_applyUnderInjectedFaults(t *testing.T) {
	srv := acctest.Server(t)
	bucket := acctest.RandomName("faults")
	// Fixtures are seeded fault-free: the suite is about Terraform runs.
	var fingerprints []string
	for range 3 {
		fingerprints = append(fingerprints, acctest.PublishVersion(t, bucket).Fingerprint)
	}
	config := faultConfig(bucket, fingerprints)

	// Whatever happens, the package's other tests must not meet faults.
	defer srv.SetFaults(localhcp.Faults{})
	before := srv.InjectedFaults()
	start := time.Now()

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { srv.SetFaults(apiFaults) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					faultFree{srv: srv, check: stateMatchesRegistry{t: t, bucket: bucket}},
				},
				// After the checks, the non-refresh and refresh plans run
				// with faults still on and must be empty.
			},
			{
				// Applying the empty plan stores the refreshed state, which
				// must now match localhcp in every attribute.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					faultFree{srv: srv, check: stateMatchesRegistry{t: t, bucket: bucket, refreshed: true}},
				},
			},
			{
				PreConfig: func() { srv.SetFaults(localhcp.Faults{}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})

	injected := srv.InjectedFaults()
	n429 := injected.TooManyRequests - before.TooManyRequests
	n503 := injected.Unavailable - before.Unavailable
	t.Logf("applied %d channels and %d assignments in %s with %d answers replaced by 429 and %d by 503",
		faultPairs, faultPairs, time.Since(start).Round(time.Millisecond), n429, n503)
	// Without faults actually answered, the test would prove nothing.
	if n429 == 0 || n503 == 0 {
		t.Fatalf("fault injection replaced %d answers by 429 and %d by 503; want some of each", n429, n503)
	}
}

// faultFree runs a state check with fault injection switched off, then
// switches it back on, so the check reads localhcp's true contents while
// the rest of the step still runs under faults.
type faultFree struct {
	srv   *localhcp.Server
	check statecheck.StateCheck
}

func (f faultFree) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	f.srv.SetFaults(localhcp.Faults{})
	defer f.srv.SetFaults(apiFaults)
	f.check.CheckState(ctx, req, resp)
}

// stateMatchesRegistry compares every channel and assignment in the state
// with localhcp's bucket: the same channels, no others, each assigned once,
// every attribute equal. Until a refresh, a channel's updated_at may be
// older than localhcp's: assigning the channel, which another resource does
// after the channel resource stored its state, moves it.
type stateMatchesRegistry struct {
	t         *testing.T
	bucket    string
	refreshed bool
}

func (c stateMatchesRegistry) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	api, loc := acctest.Client(c.t), acctest.Location(c.t)
	channels, err := api.ListChannels(ctx, loc, c.bucket)
	if err != nil {
		resp.Error = fmt.Errorf("list the channels of bucket %q: %w", c.bucket, err)
		return
	}
	registry := map[string]client.Channel{}
	for _, ch := range channels {
		if _, dup := registry[ch.Name]; dup {
			resp.Error = fmt.Errorf("bucket %q lists channel %q twice", c.bucket, ch.Name)
			return
		}
		registry[ch.Name] = ch
	}
	// The managed `latest` plus exactly the channels Terraform created.
	if len(registry) != faultPairs+1 {
		resp.Error = fmt.Errorf("bucket %q has %d channels, want %d and latest", c.bucket, len(registry), faultPairs)
		return
	}

	var errs []string
	channelsInState, assignmentsInState := 0, 0
	for _, r := range stateResources(req.State) {
		name, _ := r.AttributeValues["name"].(string)
		switch r.Type {
		case "hcppacker_channel":
			channelsInState++
			ch, ok := registry[name]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: channel %q is in the state but not in localhcp", r.Address, name))
				continue
			}
			want := map[string]any{
				"id": ch.ID, "bucket_name": c.bucket, "restricted": ch.Restricted, "managed": ch.Managed,
				"author_id": ch.AuthorID, "created_at": stamp(ch.CreatedAt),
				"project_id": loc.ProjectID, "organization_id": loc.OrganizationID,
			}
			if c.refreshed {
				want["updated_at"] = stamp(ch.UpdatedAt)
			}
			errs = append(errs, compareAttributes(r, want)...)
		case "hcppacker_channel_assignment":
			assignmentsInState++
			channel, _ := r.AttributeValues["channel_name"].(string)
			ch, ok := registry[channel]
			if !ok || ch.Version == nil {
				errs = append(errs, fmt.Sprintf("%s: channel %q is not assigned in localhcp", r.Address, channel))
				continue
			}
			errs = append(errs, compareAttributes(r, map[string]any{
				"id": ch.ID, "version_fingerprint": ch.Version.Fingerprint, "version_name": ch.Version.Name,
			})...)
			// One assignment each: a write applied twice would show here.
			history, err := api.ChannelHistory(ctx, loc, c.bucket, channel)
			if err != nil {
				errs = append(errs, fmt.Sprintf("history of channel %q: %v", channel, err))
			} else if len(history) != 1 {
				errs = append(errs, fmt.Sprintf("channel %q has %d history entries, want exactly 1", channel, len(history)))
			}
		}
	}
	if channelsInState != faultPairs || assignmentsInState != faultPairs {
		errs = append(errs, fmt.Sprintf("the state holds %d channels and %d assignments, want %d of each",
			channelsInState, assignmentsInState, faultPairs))
	}
	if len(errs) > 0 {
		resp.Error = fmt.Errorf("the state differs from localhcp:\n%s", strings.Join(errs, "\n"))
	}
}

// stateResources lists the managed resources of the root module.
func stateResources(s *tfjson.State) []*tfjson.StateResource {
	if s == nil || s.Values == nil || s.Values.RootModule == nil {
		return nil
	}
	return s.Values.RootModule.Resources
}

// compareAttributes lists the attributes of r that differ from want.
func compareAttributes(r *tfjson.StateResource, want map[string]any) []string {
	var diffs []string
	for key, w := range want {
		got := r.AttributeValues[key]
		if fmt.Sprint(got) != fmt.Sprint(w) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(w)
			diffs = append(diffs, fmt.Sprintf("%s.%s = %s in the state, %s in localhcp", r.Address, key, gj, wj))
		}
	}
	return diffs
}

// stamp formats a time as the provider stores it: RFC 3339 in UTC with
// milliseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }
