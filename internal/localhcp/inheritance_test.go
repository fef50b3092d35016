package localhcp_test

import (
	"testing"
	"time"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// A version built from a parent whose revocation is only scheduled is
// revoked with the parent, not left active after it.
func TestVersionBuiltFromAScheduledRevokedParentIsRevokedWithIt(t *testing.T) {
	t.Parallel()
	srv, clk, c := revocationServer(t)
	parent := pub(t, srv, publish.Options{Bucket: "base"})
	check(c.updateVersion("base", parent.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{
		RevokeIn: "1h", RevocationMessage: "end of support",
	})).ok(t)
	clk.Advance(time.Minute)
	child := pub(t, srv, publish.Options{Bucket: "app", ParentVersionID: parent.VersionID})

	got := check(c.getVersion("app", child.Fingerprint)).ok(t)
	if status(got) != "VERSION_REVOCATION_SCHEDULED" || *got.RevocationType != models.HashicorpCloudPacker20230101RevocationTypeINHERITED ||
		got.RevocationInheritedFrom == nil || got.RevocationInheritedFrom.VersionID != parent.VersionID ||
		!time.Time(got.RevokeAt).Equal(epoch.Add(time.Hour)) || got.RevocationMessage != "end of support" {
		t.Fatalf("child built during the scheduled revocation = %s %+v", status(got), got)
	}
	clk.Advance(time.Hour)
	if got := check(c.getVersion("app", child.Fingerprint)).ok(t); status(got) != "VERSION_REVOKED" {
		t.Fatalf("child after the parent's revocation took effect: %s", status(got))
	}
	if latest := check(c.getChannel("app", "latest")).ok(t); latest.Version != nil {
		t.Fatalf("latest of app still on %s", latest.Version.Fingerprint)
	}
}

// Deleting the version in the middle of a chain leaves its descendant the
// revocation it inherited through it from further up, until the descendant
// is restored: a later revocation of the descendant's own must not drop it.
func TestDeletingAMiddleAncestorKeepsTheRevocationPassedThroughIt(t *testing.T) {
	t.Parallel()
	srv, _, c := revocationServer(t)
	base := pub(t, srv, publish.Options{Bucket: "base"})
	mid := pub(t, srv, publish.Options{Bucket: "mid", ParentVersionID: base.VersionID})
	leaf := pub(t, srv, publish.Options{Bucket: "leaf", ParentVersionID: mid.VersionID})
	check(c.updateVersion("base", base.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{
		RevokeIn: "2h", RevocationMessage: "end of support",
	})).ok(t)
	if err := c.deleteVersion("mid", mid.Fingerprint, false); err != nil {
		t.Fatalf("delete the middle version: %v", err)
	}
	check(c.updateVersion("leaf", leaf.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{
		RevokeIn: "3h", RevocationMessage: "own, later",
	})).ok(t)

	got := check(c.getVersion("leaf", leaf.Fingerprint)).ok(t)
	if !time.Time(got.RevokeAt).Equal(epoch.Add(2*time.Hour)) || got.RevocationMessage != "end of support" ||
		got.RevocationInheritedFrom == nil || got.RevocationInheritedFrom.VersionID != base.VersionID {
		t.Fatalf("leaf after its own later revocation = revoke_at %s %q from %+v; want the base's at %s",
			got.RevokeAt, got.RevocationMessage, got.RevocationInheritedFrom, epoch.Add(2*time.Hour))
	}
	// Restoring the leaf clears what it kept.
	restored := check(c.updateVersion("leaf", leaf.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true})).ok(t)
	if !time.Time(restored.Version.RevokeAt).IsZero() {
		t.Fatalf("leaf after restore still revoked at %s", restored.Version.RevokeAt)
	}
}
