package localhcp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func TestPublishReplaysPackerAndAssignsChannel(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	ctx := context.Background()
	c := clientsFor(t, srv, "contributor")

	res, err := publish.Publish(ctx, srv.Env("contributor"), publish.Options{
		Bucket: "golden-ubuntu", Channels: []string{"stable"}, CreateChannels: true,
		Builds: []publish.Build{{Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0abc", Labels: map[string]string{"os": "ubuntu"}}},
	})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if res.VersionName != "v1" || len(res.BuildIDs) != 1 {
		t.Fatalf("result = %+v, want v1 with one build", res)
	}
	get := packer_service.NewPackerServiceGetChannelParams()
	get.LocationOrganizationID, get.LocationProjectID, get.BucketName, get.ChannelName = c.org, c.project, "golden-ubuntu", "stable"
	resp, err := c.pk.PackerServiceGetChannel(get, nil)
	if err != nil {
		t.Fatalf("get channel: %v", err)
	}
	v := resp.Payload.Channel.Version
	if v == nil || v.Fingerprint != res.Fingerprint || v.Name != "v1" {
		t.Fatalf("channel version = %+v, want %s v1", v, res.Fingerprint)
	}
	if got := v.Builds[0].Artifacts[0].ExternalIdentifier; got != "ami-0abc" {
		t.Fatalf("artifact = %q, want ami-0abc", got)
	}
}

func TestConcurrentPublishersShareABucket(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	const n = 6
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := publish.Publish(context.Background(), srv.Env("contributor"), publish.Options{Bucket: "shared-bucket", Builds: []publish.Build{{}}})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	c := clientsFor(t, srv, "contributor")
	if b := check(c.getBucket("shared-bucket")).ok(t); b.VersionCount != "6" || b.LatestVersion.Name != "v6" {
		t.Fatalf("bucket = count %s latest %s", b.VersionCount, b.LatestVersion.Name)
	}
}

func TestPublishRefusesACompleteFingerprintAndResumesAnIncompleteOne(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	ctx := context.Background()
	first := pub(t, srv, publish.Options{Bucket: "resume"})
	_, err := publish.Publish(ctx, srv.Env("contributor"), publish.Options{Bucket: "resume", Fingerprint: first.Fingerprint, Builds: []publish.Build{{}}})
	if err == nil || !strings.Contains(err.Error(), "is complete") {
		t.Fatalf("re-publishing a complete fingerprint: %v", err)
	}
	// A version Packer left half done is finished by the next run.
	c := clientsFor(t, srv, "contributor")
	check(c.createVersion("resume", "half-done")).ok(t)
	res := pub(t, srv, publish.Options{Bucket: "resume", Fingerprint: "half-done"})
	if res.VersionName != "v2" {
		t.Fatalf("resumed version = %s", res.VersionName)
	}
	// Publishing needs credentials.
	if _, err := publish.Publish(ctx, []string{"HCP_API_ADDRESS=" + srv.Addr()}, publish.Options{Bucket: "resume", Builds: []publish.Build{{}}}); err == nil {
		t.Fatal("publish without credentials succeeded")
	}
}

func TestPublishDiscoversOrganizationAndProject(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{Projects: []string{"first", "second"}})
	var env []string
	for _, kv := range srv.Env("contributor") {
		if !strings.HasPrefix(kv, "HCP_ORGANIZATION_ID=") && !strings.HasPrefix(kv, "HCP_PROJECT_ID=") {
			env = append(env, kv)
		}
	}
	if _, err := publish.Publish(context.Background(), env, publish.Options{Bucket: "found", Builds: []publish.Build{{}}}); err != nil {
		t.Fatal(err)
	}
	c := clientsFor(t, srv, "contributor") // the default (oldest) project
	check(c.getBucket("found")).ok(t)
}
