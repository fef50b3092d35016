package localhcp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func TestBucketLifecycle(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")

	b := check(c.createBucket("web-base", "base image", map[string]string{"team": "platform"})).ok(t)
	if b.ID == "" || b.Name != "web-base" || b.Description != "base image" || b.Labels["team"] != "platform" {
		t.Fatalf("created bucket = %+v", b)
	}
	if b.VersionCount != "0" || b.LatestVersion != nil || b.Platforms == nil || len(b.Platforms) != 0 {
		t.Fatalf("fresh bucket: version_count %q latest %v platforms %v", b.VersionCount, b.LatestVersion, b.Platforms)
	}
	if want := "packer/project/" + srv.ProjectID() + "/bucket/web-base"; b.ResourceName != want {
		t.Fatalf("resource_name = %q, want %q", b.ResourceName, want)
	}
	if b.Location == nil || b.Location.OrganizationID != srv.OrganizationID() || b.Location.ProjectID != srv.ProjectID() {
		t.Fatalf("location = %+v", b.Location)
	}
	if b.CreatedAt.String() == "" || b.Parents == nil || b.Children == nil {
		t.Fatalf("bucket misses created_at or ancestry: %+v", b)
	}

	// A fresh bucket already has the managed latest channel, unassigned.
	channels := check(c.listChannels("web-base")).ok(t)
	if len(channels) != 1 || channels[0].Name != "latest" || !channels[0].Managed || channels[0].Version != nil {
		t.Fatalf("fresh bucket channels = %+v", channels)
	}

	wantCode(t, check(c.createBucket("web-base", "", nil)).err, 409, 6)

	u := check(c.updateBucket("web-base", "new description", map[string]string{"tier": "gold"})).ok(t)
	if u.Description != "new description" || len(u.Labels) != 1 || u.Labels["tier"] != "gold" {
		t.Fatalf("updated bucket = %+v", u)
	}
	if got := check(c.getBucket("web-base")).ok(t); got.Description != "new description" {
		t.Fatalf("get after update = %+v", got)
	}

	pub(t, srv, publish.Options{Bucket: "web-base"})
	got := check(c.getBucket("web-base")).ok(t)
	if got.VersionCount != "1" || got.LatestVersion == nil || got.LatestVersion.Name != "v1" || len(got.Platforms) != 1 || got.Platforms[0] != "aws" {
		t.Fatalf("bucket after publish: count %q latest %+v platforms %v", got.VersionCount, got.LatestVersion, got.Platforms)
	}

	if err := c.deleteBucket("web-base"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	wantCode(t, check(c.getBucket("web-base")).err, 404, 5)
	wantCode(t, c.deleteBucket("web-base"), 404, 5)
}

func TestBucketNameValidation(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	for _, name := range []string{"", "ab", "has space", "under_score", strings.Repeat("x", 37), "dot.ted"} {
		msg := wantCode(t, check(c.createBucket(name, "", nil)).err, 400, 3)
		if !strings.Contains(msg, "bucket_name") {
			t.Errorf("name %q: message %q does not name the field", name, msg)
		}
	}
	msg := wantCode(t, check(c.createBucket("long-description", strings.Repeat("d", 256), nil)).err, 400, 3)
	if !strings.Contains(msg, "description") {
		t.Errorf("message %q does not name the description", msg)
	}
}

func TestListBucketsPagesAndSorts(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	names := []string{"delta", "alpha", "echo", "charlie", "bravo"}
	for _, n := range names {
		check(c.createBucket(n, "", nil)).ok(t)
	}

	all := check(c.listBuckets(0, "")).ok(t)
	if got := bucketNames(all.Buckets); got != "alpha,bravo,charlie,delta,echo" {
		t.Fatalf("default order = %s, want by name", got)
	}
	if all.Pagination == nil || all.Pagination.NextPageToken != "" {
		t.Fatalf("unpaged list has a next page: %+v", all.Pagination)
	}

	var seen []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
		page := check(c.listBuckets(2, token, "name desc")).ok(t)
		seen = append(seen, bucketNames(page.Buckets))
		if page.Pagination == nil || page.Pagination.NextPageToken == "" {
			break
		}
		token = page.Pagination.NextPageToken
	}
	if got := strings.Join(seen, "|"); got != "echo,delta|charlie,bravo|alpha" {
		t.Fatalf("pages = %s", got)
	}

	byCreated := check(c.listBuckets(0, "", "created_at desc")).ok(t)
	if got := bucketNames(byCreated.Buckets); got != "bravo,charlie,echo,alpha,delta" {
		t.Fatalf("created_at desc = %s", got)
	}

	wantCode(t, check(c.listBuckets(0, "", "colour")).err, 400, 3)
	wantCode(t, check(c.listBuckets(2, "not-a-token")).err, 400, 3)
}

func bucketNames(bs []*models.HashicorpCloudPacker20230101Bucket) string {
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.Name
	}
	return strings.Join(names, ",")
}

// TestLabelsAreBoundedInTotal: a bucket's or a build's labels may hold
// 64 KiB of keys and values in all, so no answer carrying them grows
// without bound.
func TestLabelsAreBoundedInTotal(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	labels := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("label-%03d", i)] = strings.Repeat("v", 1000)
		}
		return m
	}
	check(c.createBucket("labelled", "", labels(60))).ok(t)
	tooMany := labels(70)
	wantLimit := func(t *testing.T, err error) {
		t.Helper()
		if msg := wantCode(t, err, 400, 3); !strings.Contains(msg, "the limit is 65536 bytes") {
			t.Fatalf("message %q does not name the limit", msg)
		}
	}
	t.Run("create bucket", func(t *testing.T) { wantLimit(t, check(c.createBucket("over", "", tooMany)).err) })
	t.Run("update bucket", func(t *testing.T) { wantLimit(t, check(c.updateBucket("labelled", "", tooMany)).err) })
	check(c.createVersion("labelled", "fp-1")).ok(t)
	t.Run("create build", func(t *testing.T) {
		wantLimit(t, check(c.createBuild("labelled", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "null.a", Labels: tooMany})).err)
	})
	b := check(c.createBuild("labelled", "fp-1", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "null.b"})).ok(t)
	t.Run("update build", func(t *testing.T) {
		wantLimit(t, check(c.updateBuild("labelled", "fp-1", b.ID, &models.HashicorpCloudPacker20230101UpdateBuildBody{Labels: tooMany})).err)
	})
}
