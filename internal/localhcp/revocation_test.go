package localhcp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-operation/stable/2020-05-05/client/operation_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

var epoch = time.Date(2030, 1, 2, 3, 4, 5, 678_000_000, time.UTC)

// revocationServer runs localhcp on a test clock with tokens that outlive
// every clock move, so only revocations react to time.
func revocationServer(t *testing.T) (*localhcp.Server, *clock, *sdk) {
	t.Helper()
	clk := newClock(epoch)
	srv := startServer(t, localhcp.Options{Now: clk.Now, TokenTTL: 24 * 365 * time.Hour})
	return srv, clk, clientsFor(t, srv, "contributor")
}

func revokeNow(msg string) *models.HashicorpCloudPacker20230101UpdateVersionBody {
	return &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: "0s", RevocationMessage: msg}
}

func TestImmediateRevocationRollsBackAndRestores(t *testing.T) {
	t.Parallel()
	srv, _, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "base"})
	v2 := pub(t, srv, publish.Options{Bucket: "base"})
	check(c.createChannel("base", "stable", v1.Fingerprint, false)).ok(t)
	check(c.assignChannel("base", "stable", v2.Fingerprint)).ok(t)

	resp := check(c.updateVersion("base", v2.Fingerprint, revokeNow("CVE-2030-0001"))).ok(t)
	v := resp.Version
	if status(v) != "VERSION_REVOKED" || v.RevocationMessage != "CVE-2030-0001" || v.RevocationAuthor != srv.Principal("contributor").ID ||
		v.RevocationType == nil || *v.RevocationType != "MANUAL" || time.Time(v.RevokeAt).IsZero() {
		t.Fatalf("revoked version = %+v (status %s)", v, status(v))
	}
	if resp.Operation == nil || resp.Operation.ID == "" || resp.Operation.State == nil || *resp.Operation.State != "DONE" {
		t.Fatalf("operation = %+v", resp.Operation)
	}
	waitOperation(t, c, resp.Operation.ID)

	// The user channel rolled back to v1 and latest fell back to it.
	if ch := check(c.getChannel("base", "stable")).ok(t); ch.Version == nil || ch.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("stable after revocation = %+v", ch.Version)
	}
	if l := check(c.getChannel("base", "latest")).ok(t); l.Version == nil || l.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("latest after revocation = %+v", l.Version)
	}
	if b := check(c.getBucket("base")).ok(t); b.LatestVersion == nil || b.LatestVersion.Fingerprint != v1.Fingerprint {
		t.Fatalf("bucket latest_version = %+v", b.LatestVersion)
	}
	// Revoked versions stay readable but cannot be assigned or updated.
	if got := check(c.getVersion("base", v2.Fingerprint)).ok(t); status(got) != "VERSION_REVOKED" {
		t.Fatalf("revoked version reads as %s", status(got))
	}
	wantCode(t, check(c.assignChannel("base", "stable", v2.Fingerprint)).err, 400, 9)
	wantCode(t, check(c.updateVersion("base", v2.Fingerprint, revokeNow("again"))).err, 400, 9)

	restored := check(c.updateVersion("base", v2.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true})).ok(t)
	if status(restored.Version) != "VERSION_ACTIVE" || !time.Time(restored.Version.RevokeAt).IsZero() ||
		restored.Version.RevocationMessage != "" || restored.Version.RevocationType != nil {
		t.Fatalf("restored = %+v", restored.Version)
	}
	if l := check(c.getChannel("base", "latest")).ok(t); l.Version.Fingerprint != v2.Fingerprint {
		t.Fatalf("latest after restore = %s", l.Version.Fingerprint)
	}
	// A restored version stays off the channel it was rolled back from.
	if ch := check(c.getChannel("base", "stable")).ok(t); ch.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("stable after restore = %s", ch.Version.Fingerprint)
	}
	// Restoring again is a harmless no-op.
	check(c.updateVersion("base", v2.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true})).ok(t)
}

func TestRevocationUnassignsWhenNothingValidRemains(t *testing.T) {
	t.Parallel()
	srv, _, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "lonely"})
	check(c.createChannel("lonely", "stable", v1.Fingerprint, false)).ok(t)
	check(c.updateVersion("lonely", v1.Fingerprint, revokeNow("bad"))).ok(t)
	for _, name := range []string{"stable", "latest"} {
		if ch := check(c.getChannel("lonely", name)).ok(t); ch.Version != nil {
			t.Fatalf("%s still points at %s", name, ch.Version.Fingerprint)
		}
	}
	h := check(c.history("lonely", "stable", 0, "")).ok(t)
	if h.Count != 2 || h.History[0].Version != nil {
		t.Fatalf("stable history = %+v", h.History)
	}
}

func TestDisableRollbackChannels(t *testing.T) {
	t.Parallel()
	srv, clk, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "pinned"})
	v2 := pub(t, srv, publish.Options{Bucket: "pinned"})
	check(c.createChannel("pinned", "stable", v2.Fingerprint, false)).ok(t)

	immediate := revokeNow("no rollback")
	immediate.DisableRollbackChannels = true
	msg := wantCode(t, check(c.updateVersion("pinned", v2.Fingerprint, immediate)).err, 400, 9)
	if !strings.Contains(msg, `"stable"`) {
		t.Errorf("message %q does not name the channel", msg)
	}
	// Scheduled, the same request is accepted and leaves the channel alone
	// when it takes effect.
	scheduled := &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: "1h", DisableRollbackChannels: true}
	check(c.updateVersion("pinned", v2.Fingerprint, scheduled)).ok(t)
	clk.Advance(2 * time.Hour)
	ch := check(c.getChannel("pinned", "stable")).ok(t)
	if ch.Version == nil || ch.Version.Fingerprint != v2.Fingerprint || status(ch.Version) != "VERSION_REVOKED" {
		t.Fatalf("stable = %+v", ch.Version)
	}
	if l := check(c.getChannel("pinned", "latest")).ok(t); l.Version == nil || l.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("latest = %+v", l.Version)
	}
}

func TestScheduledRevocationTakesEffectWhenTheClockPassesIt(t *testing.T) {
	t.Parallel()
	srv, clk, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "sched"})
	v2 := pub(t, srv, publish.Options{Bucket: "sched"})
	check(c.createChannel("sched", "stable", v1.Fingerprint, false)).ok(t)
	check(c.assignChannel("sched", "stable", v2.Fingerprint)).ok(t)

	resp := check(c.updateVersion("sched", v2.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{
		RevokeIn: "1d2h", RevocationMessage: "scheduled",
	})).ok(t)
	wantAt := epoch.Add(26 * time.Hour)
	if status(resp.Version) != "VERSION_REVOCATION_SCHEDULED" || !time.Time(resp.Version.RevokeAt).Equal(wantAt) {
		t.Fatalf("scheduled = %s at %s, want %s", status(resp.Version), resp.Version.RevokeAt, wantAt)
	}
	// Until then the version stays on latest and on its channel, and it can
	// still be assigned.
	latest := check(c.getChannel("sched", "latest")).ok(t)
	if latest.Version.Fingerprint != v2.Fingerprint || status(latest.Version) != "VERSION_REVOCATION_SCHEDULED" {
		t.Fatalf("latest before = %+v", latest.Version)
	}
	// The official provider compares these across calls at ms precision.
	if latest.Version.RevokeAt.String() != resp.Version.RevokeAt.String() || latest.Version.UpdatedAt.String() != resp.Version.UpdatedAt.String() {
		t.Fatalf("channel shows revoke_at %s updated_at %s, update answered %s %s",
			latest.Version.RevokeAt, latest.Version.UpdatedAt, resp.Version.RevokeAt, resp.Version.UpdatedAt)
	}
	check(c.createChannel("sched", "canary", v2.Fingerprint, false)).ok(t)

	clk.Advance(25 * time.Hour)
	if got := check(c.getVersion("sched", v2.Fingerprint)).ok(t); status(got) != "VERSION_REVOCATION_SCHEDULED" {
		t.Fatalf("an hour early the status is %s", status(got))
	}
	clk.Advance(time.Hour)
	got := check(c.getVersion("sched", v2.Fingerprint)).ok(t)
	if status(got) != "VERSION_REVOKED" || got.UpdatedAt.String() != resp.Version.UpdatedAt.String() {
		t.Fatalf("after the time: %s, updated_at %s (was %s)", status(got), got.UpdatedAt, resp.Version.UpdatedAt)
	}
	for _, name := range []string{"stable", "canary", "latest"} {
		ch := check(c.getChannel("sched", name)).ok(t)
		want := v1.Fingerprint
		if name == "canary" {
			want = "" // its history holds nothing else
		}
		gotFP := ""
		if ch.Version != nil {
			gotFP = ch.Version.Fingerprint
		}
		if gotFP != want {
			t.Errorf("%s points at %q, want %q", name, gotFP, want)
		}
	}
}

func TestScheduledRevocationWithRevokeAt(t *testing.T) {
	t.Parallel()
	srv, clk, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "at-time"})
	at := strfmt.DateTime(epoch.Add(90 * time.Minute))
	resp := check(c.updateVersion("at-time", v1.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeAt: at})).ok(t)
	if status(resp.Version) != "VERSION_REVOCATION_SCHEDULED" || resp.Version.RevokeAt.String() != at.String() {
		t.Fatalf("revoke_at answer = %s %s", status(resp.Version), resp.Version.RevokeAt)
	}
	clk.Advance(2 * time.Hour)
	if l := check(c.getChannel("at-time", "latest")).ok(t); l.Version != nil {
		t.Fatalf("latest still on %s after the revocation", l.Version.Fingerprint)
	}
	// A past revoke_at revokes immediately.
	v2 := pub(t, srv, publish.Options{Bucket: "at-time"})
	past := strfmt.DateTime(epoch)
	if r := check(c.updateVersion("at-time", v2.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeAt: past})).ok(t); status(r.Version) != "VERSION_REVOKED" {
		t.Fatalf("past revoke_at gives %s", status(r.Version))
	}
}

func TestRevocationInputErrors(t *testing.T) {
	t.Parallel()
	srv, _, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "inputs"})
	check(c.createVersion("inputs", "incomplete")).ok(t)
	cases := []struct {
		name string
		fp   string
		body *models.HashicorpCloudPacker20230101UpdateVersionBody
		http int
		code int32
	}{
		{"both times", v1.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: "1h", RevokeAt: strfmt.DateTime(epoch.Add(time.Hour))}, 400, 3},
		{"bad duration", v1.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: "5 weeks"}, 400, 3},
		{"restore and revoke", v1.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: "1h", Restore: true}, 400, 3},
		{"incomplete", "incomplete", revokeNow("x"), 400, 9},
		{"unknown", "nope", revokeNow("x"), 404, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, check(c.updateVersion("inputs", tc.fp, tc.body)).err, tc.http, tc.code)
		})
	}
}

// TestRevokeInBeyondTheBoundIsRefused sends durations whose nanoseconds do
// not fit in 64 bits: they must be refused, not wrap around into a date in
// the past (an immediate revocation) or the near future.
func TestRevokeInBeyondTheBoundIsRefused(t *testing.T) {
	t.Parallel()
	srv, _, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "far"})
	check(c.createChannel("far", "stable", v1.Fingerprint, false)).ok(t)
	for _, in := range []string{"200000d", "213504d", "3000000h"} {
		t.Run(in, func(t *testing.T) {
			msg := wantCode(t, check(c.updateVersion("far", v1.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: in})).err, 400, 3)
			if !strings.Contains(msg, `"`+in+`"`) || !strings.Contains(msg, "36500d") {
				t.Fatalf("message %q does not name the value and the limit", msg)
			}
		})
	}
	if v := check(c.getVersion("far", v1.Fingerprint)).ok(t); status(v) != "VERSION_ACTIVE" || !v.RevokeAt.IsZero() && v.RevokeAt.String() != "0001-01-01T00:00:00.000Z" {
		t.Fatalf("after the refusals the version is %s with revoke_at %s, want it untouched", status(v), v.RevokeAt)
	}
	if ch := check(c.getChannel("far", "stable")).ok(t); ch.Version == nil || ch.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("stable moved to %+v", ch.Version)
	}
}

func TestRevocationIsInheritedByDescendants(t *testing.T) {
	t.Parallel()
	srv, _, c := revocationServer(t)
	base := pub(t, srv, publish.Options{Bucket: "base"})
	stable := check(c.createChannel("base", "stable", base.Fingerprint, false)).ok(t)
	app := pub(t, srv, publish.Options{Bucket: "app", ParentVersionID: base.VersionID, ParentChannelID: stable.ID})
	svc := pub(t, srv, publish.Options{Bucket: "svc", ParentVersionID: app.VersionID})
	other := pub(t, srv, publish.Options{Bucket: "other", ParentVersionID: base.VersionID})

	if got := check(c.getVersion("base", base.Fingerprint)).ok(t); !got.HasDescendants {
		t.Fatal("base has_descendants = false")
	}
	if got := check(c.getVersion("svc", svc.Fingerprint)).ok(t); got.HasDescendants {
		t.Fatal("leaf has_descendants = true")
	}

	// Skipping descendants leaves them alone.
	skip := revokeNow("only base")
	skip.SkipDescendantsRevocation = true
	check(c.updateVersion("base", base.Fingerprint, skip)).ok(t)
	if got := check(c.getVersion("app", app.Fingerprint)).ok(t); status(got) != "VERSION_ACTIVE" {
		t.Fatalf("app after skip = %s", status(got))
	}
	check(c.updateVersion("base", base.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true})).ok(t)
	// The restore did not re-point stable (it was rolled back to nothing).
	check(c.assignChannel("base", "stable", base.Fingerprint)).ok(t)

	check(c.updateVersion("base", base.Fingerprint, revokeNow("CVE in base"))).ok(t)
	for _, d := range []struct{ bucket, fp string }{{"app", app.Fingerprint}, {"svc", svc.Fingerprint}, {"other", other.Fingerprint}} {
		got := check(c.getVersion(d.bucket, d.fp)).ok(t)
		if status(got) != "VERSION_REVOKED" || got.RevocationType == nil || *got.RevocationType != "INHERITED" {
			t.Fatalf("%s: %s %v", d.bucket, status(got), got.RevocationType)
		}
		from := got.RevocationInheritedFrom
		if from == nil || from.VersionID != base.VersionID || from.BucketName != "base" || from.VersionFingerprint != base.Fingerprint || from.VersionName != "v1" {
			t.Fatalf("%s inherited from %+v", d.bucket, from)
		}
		if l := check(c.getChannel(d.bucket, "latest")).ok(t); l.Version != nil {
			t.Fatalf("%s latest still on a revoked version", d.bucket)
		}
	}

	check(c.updateVersion("base", base.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true})).ok(t)
	for _, d := range []struct{ bucket, fp string }{{"app", app.Fingerprint}, {"svc", svc.Fingerprint}} {
		got := check(c.getVersion(d.bucket, d.fp)).ok(t)
		if status(got) != "VERSION_ACTIVE" || got.RevocationInheritedFrom != nil {
			t.Fatalf("%s after restore: %s %+v", d.bucket, status(got), got.RevocationInheritedFrom)
		}
	}
}

func TestDeleteVersionWithChannels(t *testing.T) {
	t.Parallel()
	srv, _, c := revocationServer(t)
	v1 := pub(t, srv, publish.Options{Bucket: "del"})
	v2 := pub(t, srv, publish.Options{Bucket: "del"})
	check(c.createChannel("del", "stable", v1.Fingerprint, false)).ok(t)
	check(c.assignChannel("del", "stable", v2.Fingerprint)).ok(t)
	wantCode(t, c.deleteVersion("del", v2.Fingerprint, false), 400, 9)
	if err := c.deleteVersion("del", v2.Fingerprint, true); err != nil {
		t.Fatalf("delete with rollback: %v", err)
	}
	if ch := check(c.getChannel("del", "stable")).ok(t); ch.Version == nil || ch.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("stable after delete = %+v", ch.Version)
	}
	if l := check(c.getChannel("del", "latest")).ok(t); l.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("latest after delete = %s", l.Version.Fingerprint)
	}
	wantCode(t, check(c.getVersion("del", v2.Fingerprint)).err, 409, 10)
	if b := check(c.getBucket("del")).ok(t); b.VersionCount != "1" {
		t.Fatalf("version_count = %s", b.VersionCount)
	}
}

func waitOperation(t *testing.T, c *sdk, id string) {
	t.Helper()
	get := operation_service.NewGetParams()
	get.ID, get.LocationOrganizationID, get.LocationProjectID = id, c.org, c.project
	g, err := c.ops.Get(get, nil)
	if err != nil || g.Payload.Operation.ID != id || *g.Payload.Operation.State != "DONE" {
		t.Fatalf("operation get = %+v, %v", g, err)
	}
	wait := operation_service.NewWaitParams()
	wait.ID, wait.LocationOrganizationID, wait.LocationProjectID = id, c.org, c.project
	timeout := "5s"
	wait.Timeout = &timeout
	w, err := c.ops.Wait(wait, nil)
	if err != nil || *w.Payload.Operation.State != "DONE" {
		t.Fatalf("operation wait = %+v, %v", w, err)
	}
	get.ID = "01HNOTANOPERATION000000000"
	_, err = c.ops.Get(get, nil)
	wantCode(t, err, 404, 5)
}
