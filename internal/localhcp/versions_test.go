package localhcp_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func buildStatus(s models.HashicorpCloudPacker20230101BuildStatus) *models.HashicorpCloudPacker20230101BuildStatus {
	return &s
}

func artifact(id, region string) []*models.HashicorpCloudPacker20230101ArtifactCreateBody {
	return []*models.HashicorpCloudPacker20230101ArtifactCreateBody{{ExternalIdentifier: id, Region: region}}
}

func TestVersionAndBuildLifecycle(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("app", "", nil)).ok(t)

	// Packer's first call for a fingerprint: GetVersion answers Aborted.
	msg := wantCode(t, check(c.getVersion("app", "fp-1")).err, 409, 10)
	if !strings.Contains(msg, "fp-1") {
		t.Errorf("message %q does not name the fingerprint", msg)
	}
	v := check(c.createVersion("app", "fp-1")).ok(t)
	if v.Name != "v0" || status(v) != "VERSION_RUNNING" || v.Builds == nil || v.AuthorID != srv.Principal("contributor").ID {
		t.Fatalf("new version = %+v (status %s)", v, status(v))
	}
	if !v.RevokeAt.IsZero() && v.RevokeAt.String() != "0001-01-01T00:00:00.000Z" {
		t.Fatalf("unrevoked version has revoke_at %s", v.RevokeAt)
	}
	wantCode(t, check(c.createVersion("app", "fp-1")).err, 409, 6)
	wantCode(t, check(c.createVersion("app", "-bad-")).err, 400, 3)

	b1 := check(c.createBuild("app", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{
		ComponentType: "amazon-ebs.ubuntu", PackerRunUUID: "3c1b5c4e-1111-4a5b-9c1d-2e3f4a5b6c7d",
		Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDUNSET),
	})).ok(t)
	if b1.VersionID != v.ID || b1.Status == nil || *b1.Status != "BUILD_UNSET" || b1.Artifacts == nil {
		t.Fatalf("new build = %+v", b1)
	}
	b2 := check(c.createBuild("app", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "azure-arm.ubuntu"})).ok(t)
	wantCode(t, check(c.createBuild("app", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "amazon-ebs.ubuntu"})).err, 409, 6)

	// DONE needs artifacts.
	wantCode(t, check(c.updateBuild("app", "fp-1", b1.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDDONE),
	})).err, 400, 9)

	check(c.updateBuild("app", "fp-1", b1.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDRUNNING),
	})).ok(t)
	if got := check(c.getVersion("app", "fp-1")).ok(t); status(got) != "VERSION_RUNNING" {
		t.Fatalf("status with a running build = %s", status(got))
	}
	done := check(c.updateBuild("app", "fp-1", b1.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDDONE), Platform: "aws",
		Artifacts: artifact("ami-1", "us-east-1"), Labels: map[string]string{"os": "ubuntu"},
		Metadata: &models.HashicorpCloudPacker20230101BuildMetadata{Packer: map[string]any{"version": "1.16.0"}},
	})).ok(t)
	if len(done.Artifacts) != 1 || done.Artifacts[0].ID == "" || done.Labels["os"] != "ubuntu" || done.Metadata == nil {
		t.Fatalf("done build = %+v", done)
	}
	// One build done, one not started: incomplete.
	if got := check(c.getVersion("app", "fp-1")).ok(t); status(got) != "VERSION_INCOMPLETE" || got.Name != "v0" {
		t.Fatalf("half-done version = %s %s", got.Name, status(got))
	}
	wantCode(t, check(c.updateBuild("app", "fp-1", b1.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{Labels: map[string]string{"x": "y"}})).err, 400, 9)

	check(c.updateBuild("app", "fp-1", b2.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{Platform: "azure"})).ok(t)
	wantCode(t, check(c.updateBuild("app", "fp-1", b2.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{Platform: "gcp"})).err, 409, 6)
	check(c.updateBuild("app", "fp-1", b2.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDDONE), Artifacts: artifact("img-2", "westeurope"),
	})).ok(t)

	// The update that finished the last build completed the version.
	got := check(c.getVersion("app", "fp-1")).ok(t)
	if got.Name != "v1" || status(got) != "VERSION_ACTIVE" || len(got.Builds) != 2 {
		t.Fatalf("completed version = %s %s with %d builds", got.Name, status(got), len(got.Builds))
	}
	if got.Builds[0].Metadata == nil {
		t.Error("GetVersion leaves out build metadata")
	}
	latest := check(c.getChannel("app", "latest")).ok(t)
	if latest.Version == nil || latest.Version.Fingerprint != "fp-1" {
		t.Fatalf("latest = %+v", latest.Version)
	}
	if latest.Version.Builds[0].Metadata != nil {
		t.Error("GetChannel returns build metadata; only build endpoints and GetVersion do")
	}
	wantCode(t, check(c.createBuild("app", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "late.one"})).err, 400, 9)

	builds := check(c.listBuilds("app", "fp-1")).ok(t)
	if len(builds) != 2 || builds[0].ID != b1.ID || builds[1].ID != b2.ID {
		t.Fatalf("builds = %+v", builds)
	}
	if gb := check(c.getBuild("app", "fp-1", b2.ID)).ok(t); gb.Platform != "azure" || len(gb.Artifacts) != 1 {
		t.Fatalf("get build = %+v", gb)
	}
	wantCode(t, check(c.getBuild("app", "fp-1", "01HXXXXXXXXXXXXXXXXXXXXXXX")).err, 404, 5)

	if err := c.deleteBuild("app", "fp-1", b2.ID); err != nil {
		t.Fatalf("delete build: %v", err)
	}
	if builds := check(c.listBuilds("app", "fp-1")).ok(t); len(builds) != 1 {
		t.Fatalf("builds after delete = %d", len(builds))
	}
}

func TestVersionNamesFollowCompletionOrder(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("order", "", nil)).ok(t)
	// Start two versions, finish the second first: it becomes v1.
	for _, fp := range []string{"first", "second"} {
		check(c.createVersion("order", fp)).ok(t)
	}
	finish := func(fp string) {
		b := check(c.createBuild("order", fp, &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "null.example"})).ok(t)
		check(c.updateBuild("order", fp, b.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{
			Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDDONE), Platform: "null", Artifacts: artifact("Null", "null"),
		})).ok(t)
	}
	finish("second")
	finish("first")
	if v := check(c.getVersion("order", "second")).ok(t); v.Name != "v1" {
		t.Fatalf("second = %s, want v1", v.Name)
	}
	if v := check(c.getVersion("order", "first")).ok(t); v.Name != "v2" {
		t.Fatalf("first = %s, want v2", v.Name)
	}
	// Numbers are never reused after a delete.
	if err := c.deleteVersion("order", "first", false); err != nil {
		t.Fatalf("delete: %v", err)
	}
	res := pub(t, srv, publish.Options{Bucket: "order"})
	if res.VersionName != "v3" {
		t.Fatalf("after delete the next version is %s, want v3", res.VersionName)
	}
	if l := check(c.getChannel("order", "latest")).ok(t); l.Version == nil || l.Version.Name != "v3" {
		t.Fatalf("latest = %+v", l.Version)
	}
}

func TestVersionStatusFromBuilds(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("statuses", "", nil)).ok(t)
	cases := []struct {
		fp       string
		statuses []models.HashicorpCloudPacker20230101BuildStatus
		want     string
	}{
		{"none", nil, "VERSION_RUNNING"},
		{"unset", []models.HashicorpCloudPacker20230101BuildStatus{"BUILD_UNSET"}, "VERSION_RUNNING"},
		{"failed", []models.HashicorpCloudPacker20230101BuildStatus{"BUILD_FAILED", "BUILD_UNSET"}, "VERSION_FAILED"},
		{"cancelled", []models.HashicorpCloudPacker20230101BuildStatus{"BUILD_CANCELLED"}, "VERSION_CANCELLED"},
		{"running-wins", []models.HashicorpCloudPacker20230101BuildStatus{"BUILD_FAILED", "BUILD_RUNNING"}, "VERSION_RUNNING"},
	}
	for _, tc := range cases {
		check(c.createVersion("statuses", tc.fp)).ok(t)
		for i, s := range tc.statuses {
			check(c.createBuild("statuses", tc.fp, &models.HashicorpCloudPacker20230101CreateBuildBody{
				ComponentType: "c" + string(rune('a'+i)), Status: &s,
			})).ok(t)
		}
		if got := status(check(c.getVersion("statuses", tc.fp)).ok(t)); got != tc.want {
			t.Errorf("%s: status %s, want %s", tc.fp, got, tc.want)
		}
	}
}

func TestListVersionsNewestFirstWithPages(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("many", "", nil)).ok(t)
	for _, fp := range []string{"a1", "a2", "a3"} {
		check(c.createVersion("many", fp)).ok(t)
	}
	p1 := check(c.listVersions("many", 2, "")).ok(t)
	if len(p1.Versions) != 2 || p1.Versions[0].Fingerprint != "a3" || p1.Pagination.NextPageToken == "" {
		t.Fatalf("page 1 = %+v", p1)
	}
	p2 := check(c.listVersions("many", 2, p1.Pagination.NextPageToken)).ok(t)
	if len(p2.Versions) != 1 || p2.Versions[0].Fingerprint != "a1" || p2.Pagination.NextPageToken != "" || p2.Pagination.PreviousPageToken == "" {
		t.Fatalf("page 2 = %+v", p2)
	}
	wantCode(t, check(c.listVersions("missing-bucket", 0, "")).err, 404, 5)
}

func TestUpdateVersionComplete(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("manual", "", nil)).ok(t)
	check(c.createVersion("manual", "m1")).ok(t)
	b := check(c.createBuild("manual", "m1", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "x.y"})).ok(t)
	// The SDK always sends revoke_at, as year 1 when unset: that is "no revocation".
	body := &models.HashicorpCloudPacker20230101UpdateVersionBody{Complete: true}
	wantCode(t, check(c.updateVersion("manual", "m1", body)).err, 400, 9)
	check(c.updateBuild("manual", "m1", b.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		Status: buildStatus("BUILD_DONE"), Artifacts: artifact("i-1", "r"),
	})).ok(t)
	resp := check(c.updateVersion("manual", "m1", body)).ok(t)
	if resp.Version.Name != "v1" || resp.Operation == nil || resp.Operation.ID == "" {
		t.Fatalf("complete answer = %+v", resp)
	}
	wantCode(t, check(c.updateVersion("manual", "m1", &models.HashicorpCloudPacker20230101UpdateVersionBody{})).err, 400, 3)
}

// TestDeleteBuildKeepsVersionInvariants: a complete version never loses its
// last build (channels would serve a version without artifacts), and an
// incomplete version completes when the build it was waiting for is
// deleted.
func TestDeleteBuildKeepsVersionInvariants(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	v1 := pub(t, srv, publish.Options{Bucket: "del"})
	check(c.createChannel("del", "stable", v1.Fingerprint, false)).ok(t)

	msg := wantCode(t, c.deleteBuild("del", v1.Fingerprint, v1.BuildIDs[0]), 400, 9)
	for _, want := range []string{v1.BuildIDs[0], v1.Fingerprint, `"stable"`, "delete the version"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %s", msg, want)
		}
	}
	if builds := check(c.listBuilds("del", v1.Fingerprint)).ok(t); len(builds) != 1 {
		t.Fatalf("the refused delete left %d builds", len(builds))
	}

	// An incomplete version with one build done and one not started.
	check(c.createVersion("del", "fp-2")).ok(t)
	pending := check(c.createBuild("del", "fp-2", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "azure-arm.ubuntu"})).ok(t)
	check(c.createBuild("del", "fp-2", &models.HashicorpCloudPacker20230101CreateBuildBody{
		ComponentType: "amazon-ebs.ubuntu", Platform: "aws",
		Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDDONE), Artifacts: artifact("ami-2", "us-east-1"),
	})).ok(t)
	if v := check(c.getVersion("del", "fp-2")).ok(t); v.Name != "v0" || status(v) != "VERSION_INCOMPLETE" {
		t.Fatalf("before the delete: %s %s", v.Name, status(v))
	}
	if err := c.deleteBuild("del", "fp-2", pending.ID); err != nil {
		t.Fatalf("delete the unfinished build: %v", err)
	}
	if v := check(c.getVersion("del", "fp-2")).ok(t); v.Name != "v2" || status(v) != "VERSION_ACTIVE" || len(v.Builds) != 1 {
		t.Fatalf("after the delete: %s %s with %d builds, want v2 VERSION_ACTIVE with 1", v.Name, status(v), len(v.Builds))
	}
	if latest := check(c.getChannel("del", "latest")).ok(t); latest.Version == nil || latest.Version.Fingerprint != "fp-2" {
		t.Fatalf("latest = %+v, want it on the version the delete completed", latest.Version)
	}

	// The only build of an incomplete version may go: nothing serves it.
	check(c.createVersion("del", "fp-3")).ok(t)
	only := check(c.createBuild("del", "fp-3", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "null.example"})).ok(t)
	if err := c.deleteBuild("del", "fp-3", only.ID); err != nil {
		t.Fatalf("delete the only build of an incomplete version: %v", err)
	}
	if v := check(c.getVersion("del", "fp-3")).ok(t); v.Name != "v0" || status(v) != "VERSION_RUNNING" || len(v.Builds) != 0 {
		t.Fatalf("incomplete version after the delete: %s %s with %d builds", v.Name, status(v), len(v.Builds))
	}
}

// TestRegionOnlyArtifacts: HCP records an artifact with a region and no
// external_identifier; one with neither field is refused.
func TestRegionOnlyArtifacts(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("regions", "", nil)).ok(t)
	check(c.createVersion("regions", "fp-1")).ok(t)
	msg := wantCode(t, check(c.createBuild("regions", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{
		ComponentType: "null.empty", Artifacts: artifact("", " "),
	})).err, 400, 3)
	if !strings.Contains(msg, "artifacts[0]") {
		t.Fatalf("message %q does not name the artifact", msg)
	}
	check(c.createBuild("regions", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{
		ComponentType: "null.example", Platform: "aws", Artifacts: artifact("", "us-east-1"),
		Status: buildStatus(models.HashicorpCloudPacker20230101BuildStatusBUILDDONE),
	})).ok(t)
	v := check(c.getVersion("regions", "fp-1")).ok(t)
	if status(v) != "VERSION_ACTIVE" || len(v.Builds) != 1 || len(v.Builds[0].Artifacts) != 1 {
		t.Fatalf("version = %s with builds %+v", status(v), v.Builds)
	}
	if a := v.Builds[0].Artifacts[0]; a.ExternalIdentifier != "" || a.Region != "us-east-1" {
		t.Fatalf("artifact = %+v, want region us-east-1 and no external_identifier", a)
	}
}
