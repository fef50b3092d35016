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
