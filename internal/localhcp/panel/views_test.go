package panel_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// lineage seeds a base bucket with two versions and a `stable` channel,
// and an app bucket built from base's stable channel while it served v1;
// stable then moves to v2, which makes app out of date.
func lineage(t *testing.T, s *stack) {
	t.Helper()
	ctx := context.Background()
	_, err := s.svc.CreateBucket(ctx, s.loc, s.contributor.ID, registry.BucketInput{
		Name: "base", Description: "Hardened <b>base</b> image", Labels: map[string]string{"team": "<script>alert(1)</script>", "os": "debian"},
	})
	if err != nil {
		t.Fatal(err)
	}
	base1 := s.publish(t, "base", fp(1), "aws", "azure")
	s.stable(t, fp(1))
	stable, err := s.svc.GetChannel(ctx, s.loc, "base", "stable")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.CreateBucket(ctx, s.loc, s.contributor.ID, registry.BucketInput{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.CreateVersion(ctx, s.loc, s.contributor.ID, "app", fp(101), registry.TemplateHCL2); err != nil {
		t.Fatal(err)
	}
	_, err = s.svc.CreateBuild(ctx, s.loc, s.contributor.ID, "app", fp(101), registry.BuildInput{
		ComponentType: "aws.app", Platform: "aws", Status: registry.BuildDone,
		Artifacts:       []registry.ArtifactInput{{ExternalIdentifier: "ami-app", Region: "eu-west-1"}},
		ParentVersionID: base1.ID, ParentChannelID: stable.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.publish(t, "base", fp(2), "aws")
	if _, err := s.svc.UpdateChannel(ctx, s.loc, s.contributor.ID, "base", "stable", registry.ChannelUpdate{Mask: "versionFingerprint", VersionFingerprint: fp(2)}); err != nil {
		t.Fatal(err)
	}
}

func TestBucketsPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	lineage(t, s)
	b := s.signedIn(t, s.viewer)
	pg := b.get(s.projectPath(""))
	pg.mustHave(t, http.StatusOK,
		`href="/panel/projects/`+projectID+`/buckets/base/"`, `href="/panel/projects/`+projectID+`/buckets/app/"`,
		"Hardened &lt;b&gt;base&lt;/b&gt; image", "os=debian",
		`<td class="num">2</td>`, `/versions/`+fp(2)+`">v2</a> <span class="badge ok">active</span>`,
		`<span class="platform">aws</span>`)
}

func TestUserSuppliedStringsAreEscaped(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	lineage(t, s)
	_, _, err := s.svc.UpdateVersion(context.Background(), s.loc, s.contributor.ID, "base", fp(1), registry.VersionUpdate{
		RevokeIn: "0s", RevocationMessage: `<img src=x onerror="alert(1)">`,
	})
	if err != nil {
		t.Fatal(err)
	}
	b := s.signedIn(t, s.viewer)
	for _, path := range []string{s.projectPath(""), s.projectPath("buckets/base/")} {
		pg := b.get(path)
		pg.mustHave(t, http.StatusOK, "team=&lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(pg.body, "<script") {
			t.Errorf("%s renders a <script> element:\n%s", path, pg.body)
		}
	}
	pg := b.get(s.projectPath("buckets/base/versions/" + fp(1)))
	pg.mustHave(t, http.StatusOK, "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;")
	if strings.Contains(pg.body, "<img") {
		t.Errorf("the revocation message renders as an element:\n%s", pg.body)
	}
}

func TestBucketPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	lineage(t, s)
	b := s.signedIn(t, s.viewer)
	pg := b.get(s.projectPath("buckets/base/"))
	pg.mustHave(t, http.StatusOK, "Bucket base", "2 versions",
		`/channels/stable">stable</a>`, `/channels/latest">latest</a> <span class="muted">(managed)</span>`,
		`<code>`+fp(1)+`</code>`, `<code>`+fp(2)+`</code>`,
		`<span class="platform">azure</span>`, `<span class="channel">stable</span>`)
	if strings.Index(pg.body, fp(2)+"</code>") > strings.Index(pg.body, fp(1)+"</code>") {
		t.Error("versions are not listed newest first")
	}
}

func TestVersionPageShowsBuildsArtifactsAndAncestry(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	lineage(t, s)
	b := s.signedIn(t, s.viewer)
	pg := b.get(s.projectPath("buckets/base/versions/" + fp(1)))
	pg.mustHave(t, http.StatusOK, "v1 <span class=\"badge ok\">active</span>", "by ci-contributor",
		"aws.example", "region-aws: <code>img-aws-"+fp(1)+"</code>", "region-azure: <code>img-azure-"+fp(1)+"</code>",
		"Children built on this version", `/buckets/app/versions/`+fp(101)+`">v1</a>`, "out of date")

	app := b.get(s.projectPath("buckets/app/versions/" + fp(101)))
	app.mustHave(t, http.StatusOK, "eu-west-1: <code>ami-app</code>", `/buckets/base/versions/`+fp(1)+`">v1</a>`, "stable (now v2)", "out of date")
}

func TestAncestryPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	lineage(t, s)
	b := s.signedIn(t, s.viewer)
	pg := b.get(s.projectPath("buckets/base/ancestry"))
	pg.mustHave(t, http.StatusOK, "Ancestry of base", `<tr class="outdated">`, `/buckets/app/versions/`+fp(101)+`">v1</a>`, "v1 via stable", "out of date")
	app := b.get(s.projectPath("buckets/app/ancestry"))
	app.mustHave(t, http.StatusOK, `/buckets/base/">base</a>`, "stable (now v2)")
}

func TestChannelPageShowsTheAssignmentTimeline(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	lineage(t, s)
	b := s.signedIn(t, s.viewer)
	pg := b.get(s.projectPath("buckets/base/channels/stable"))
	pg.mustHave(t, http.StatusOK, "Channel stable", "Not restricted.", "2 assignments, newest first.", "by ci-contributor", "<time>2026-03-01 09:00:00 UTC</time>")
	timeline := pg.body[strings.Index(pg.body, `<ol class="timeline">`):]
	if !strings.Contains(timeline, fp(2)) || strings.Index(timeline, fp(2)) > strings.Index(timeline, fp(1)) {
		t.Errorf("the timeline does not show v2 above v1:\n%s", timeline)
	}
	if !strings.Contains(pg.body, `<option value="`+fp(1)+`">v1`) {
		t.Errorf("the assignment form does not offer v1:\n%s", pg.body)
	}
	latest := b.get(s.projectPath("buckets/base/channels/latest"))
	latest.mustHave(t, http.StatusOK, "Managed by HCP Packer")
	if strings.Contains(latest.body, "Assign a version") {
		t.Error("the managed channel offers an assignment")
	}
}

func TestHealthPageListsChannelsOnRevokedOrScheduledVersions(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	lineage(t, s)
	b := s.signedIn(t, s.viewer)
	b.get(s.projectPath("health")).mustHave(t, http.StatusOK, "Every channel serves an active version.")

	ctx := context.Background()
	if _, _, err := s.svc.UpdateVersion(ctx, s.loc, s.contributor.ID, "base", fp(2), registry.VersionUpdate{RevokeIn: "1h", RevocationMessage: "CVE-2026-1", DisableRollbackChannels: true}); err != nil {
		t.Fatal(err)
	}
	pg := b.get(s.projectPath("health"))
	pg.mustHave(t, http.StatusOK, `/channels/stable">stable</a>`, `/channels/latest">latest</a>`, "revocation scheduled", "2026-03-01 10:00:00 UTC", "CVE-2026-1")

	s.clock.Advance(time.Hour)
	pg = b.get(s.projectPath("health"))
	pg.mustHave(t, http.StatusOK, `/channels/stable">stable</a>`, `<span class="badge bad">revoked</span>`, "by ci-contributor")
	if strings.Contains(pg.body, `/channels/latest"`) {
		t.Error("latest still serves the revoked version: the registry moves it, so health should not list it")
	}
}

func TestListsArePaginated(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for i := 1; i <= 30; i++ {
		s.publish(t, "many", fp(i), "aws")
	}
	b := s.signedIn(t, s.viewer)
	first := b.get(s.projectPath("buckets/many/"))
	first.mustHave(t, http.StatusOK, "Page 1", `rel="next"`, "<code>"+fp(30)+"</code>")
	if n := first.count("<code>fp-"); n != 25 {
		t.Errorf("page 1 lists %d versions, want 25", n)
	}
	second := b.get(s.projectPath("buckets/many/?page=2"))
	second.mustHave(t, http.StatusOK, "Page 2", `rel="prev"`, "<code>"+fp(1)+"</code>")
	if n := second.count("<code>fp-"); n != 5 || strings.Contains(second.body, `rel="next"`) {
		t.Errorf("page 2 lists %d versions (want 5) or links a next page", n)
	}

	history := b.get(s.projectPath("buckets/many/channels/latest?page=2"))
	history.mustHave(t, http.StatusOK, "30 assignments", "Page 2")
	if n := history.count("<li>"); n != 5 {
		t.Errorf("history page 2 shows %d entries, want 5", n)
	}
}

func TestMissingObjectsAnswerNotFound(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	b := s.signedIn(t, s.viewer)
	b.get(s.projectPath("buckets/nope/")).mustHave(t, http.StatusNotFound, "nope")
	b.get(s.projectPath("buckets/base/versions/missing")).mustHave(t, http.StatusNotFound, "missing")
	b.get(s.projectPath("buckets/base/channels/missing")).mustHave(t, http.StatusNotFound, "missing")
	b.get("/panel/projects/unknown/").mustHave(t, http.StatusNotFound, `Project &#34;unknown&#34; does not exist`)
	b.get("/panel/nowhere").mustHave(t, http.StatusNotFound, "No panel page at /panel/nowhere")
}
