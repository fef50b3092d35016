package registry_test

import (
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

func (f *fixture) version(bucket, fp string) *registry.VersionView {
	f.t.Helper()
	v, err := f.svc.GetVersion(f.ctx, f.loc, bucket, fp)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *fixture) restore(bucket, fp string) {
	f.t.Helper()
	if _, _, err := f.svc.UpdateVersion(f.ctx, f.loc, "restorer", bucket, fp, registry.VersionUpdate{Restore: true}); err != nil {
		f.t.Fatal(err)
	}
}

// expectRevocation checks the revocation in force on a version: its type,
// the ancestor it came from ("" for its own) and its instant; typ "" means
// none.
func (f *fixture) expectRevocation(bucket, fp, typ, fromID string, at time.Time) {
	f.t.Helper()
	v := f.version(bucket, fp)
	if typ == "" {
		if v.RevokeAt != nil || v.RevocationType != "" {
			f.t.Fatalf("%s/%s: want no revocation, got %s at %v", bucket, fp, v.RevocationType, v.RevokeAt)
		}
		return
	}
	from := ""
	if v.InheritedFrom != nil {
		from = v.InheritedFrom.VersionID
	}
	if v.RevokeAt == nil || !v.RevokeAt.Equal(at) || v.RevocationType != typ || from != fromID {
		f.t.Fatalf("%s/%s: want %s from %q at %v, got %s from %q at %v", bucket, fp, typ, fromID, at, v.RevocationType, from, v.RevokeAt)
	}
}

func TestVersionBuiltWhileItsParentsRevocationIsScheduledInheritsIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("base")
	f.bucket("app")
	parent := f.publish("base", "parent", "")
	f.revoke("base", "parent", "1h")
	at := f.clock().Add(time.Hour)
	f.advance(time.Minute)
	f.publish("app", "late-child", parent.ID)
	f.expectRevocation("app", "late-child", registry.RevocationInherited, parent.ID, at)

	f.advance(time.Hour)
	if got := f.version("app", "late-child").Status; got != registry.VersionRevoked {
		t.Fatalf("late child after the parent's revocation took effect: %s", got)
	}
	if fp := f.channelFP("app", "latest"); fp != "" {
		t.Fatalf("latest of app still points at %q", fp)
	}
}

func TestSkippedDescendantsDoNotInheritLater(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("base")
	parent := f.publish("base", "parent", "")
	if _, _, err := f.svc.UpdateVersion(f.ctx, f.loc, "revoker", "base", "parent", registry.VersionUpdate{
		RevokeIn: "1h", SkipDescendantsRevocation: true,
	}); err != nil {
		t.Fatal(err)
	}
	f.publish("base", "child", parent.ID)
	f.expectRevocation("base", "child", "", "", time.Time{})
}

func TestIncompleteDescendantInheritsWhenItCompletes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("base")
	parent := f.publish("base", "parent", "")
	if _, err := f.svc.CreateVersion(f.ctx, f.loc, "author", "base", "child", registry.TemplateHCL2); err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.CreateBuild(f.ctx, f.loc, "author", "base", "child", registry.BuildInput{
		ComponentType: "null.example", ParentVersionID: parent.ID, Status: registry.BuildRunning,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.revoke("base", "parent", "1h")
	at := f.clock().Add(time.Hour)
	// While it runs, the child shows no revocation next to its RUNNING status.
	f.expectRevocation("base", "child", "", "", time.Time{})
	if _, err := f.svc.UpdateBuild(f.ctx, f.loc, "author", "base", "child", b.ID, registry.BuildInput{
		Status: registry.BuildDone, Artifacts: []registry.ArtifactInput{{ExternalIdentifier: "ami-1", Region: "r"}},
	}); err != nil {
		t.Fatal(err)
	}
	f.expectRevocation("base", "child", registry.RevocationInherited, parent.ID, at)
}

func TestRestoringTheAncestorGivesDescendantsTheirOwnRevocationBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("base")
	parent := f.publish("base", "parent", "")
	f.publish("base", "child", parent.ID)
	f.revoke("base", "child", "2h")
	own := f.clock().Add(2 * time.Hour)
	f.revoke("base", "parent", "1h")
	inherited := f.clock().Add(time.Hour)
	f.expectRevocation("base", "child", registry.RevocationInherited, parent.ID, inherited)

	f.restore("base", "parent")
	f.expectRevocation("base", "parent", "", "", time.Time{})
	f.expectRevocation("base", "child", registry.RevocationManual, "", own)
	if got := f.version("base", "child"); got.RevocationAuthor != "revoker" || got.Status != registry.VersionRevocationScheduled {
		t.Fatalf("child after the parent's restore: author %q, status %s", got.RevocationAuthor, got.Status)
	}
}

func TestRescheduledAncestorMovesItsDescendantsToo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("base")
	parent := f.publish("base", "parent", "")
	f.publish("base", "child", parent.ID)
	f.revoke("base", "parent", "1h")
	f.revoke("base", "parent", "3h")
	f.expectRevocation("base", "child", registry.RevocationInherited, parent.ID, f.clock().Add(3*time.Hour))
	f.revoke("base", "parent", "30m")
	f.expectRevocation("base", "child", registry.RevocationInherited, parent.ID, f.clock().Add(30*time.Minute))
}

func TestRestoringADescendantOutlastsItsAncestorsRevocation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("base")
	root := f.publish("base", "root", "")
	mid := f.publish("base", "mid", root.ID)
	f.publish("base", "leaf", mid.ID)
	f.revoke("base", "root", "1h")
	f.advance(time.Minute)
	f.restore("base", "mid")
	f.expectRevocation("base", "mid", "", "", time.Time{})
	// The leaf still descends from root through mid and keeps root's
	// revocation: restoring mid undoes only what mid was subject to.
	f.expectRevocation("base", "leaf", registry.RevocationInherited, root.ID, f.clock().Add(59*time.Minute))
	// Revoking mid's own ancestor again is a new request, which mid inherits.
	f.advance(time.Minute)
	f.revoke("base", "root", "2h")
	f.expectRevocation("base", "mid", registry.RevocationInherited, root.ID, f.clock().Add(2*time.Hour))
}

func TestInheritedRevocationOutlivesItsDeletedAncestorUntilRestored(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.bucket("base")
	f.bucket("app")
	root := f.publish("base", "root", "")
	f.publish("app", "child", root.ID)
	f.revoke("base", "root", "1h")
	at := f.clock().Add(time.Hour)
	if err := f.svc.DeleteVersion(f.ctx, f.loc, "author", "base", "root", false); err != nil {
		t.Fatal(err)
	}
	// A later revocation of the child's own re-derives its revocation; the
	// earlier inherited one stays, though its source is gone.
	f.revoke("app", "child", "3h")
	f.expectRevocation("app", "child", registry.RevocationInherited, root.ID, at)
	f.restore("app", "child")
	f.expectRevocation("app", "child", "", "", time.Time{})
}
