package localhcp_test

import (
	"context"
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
