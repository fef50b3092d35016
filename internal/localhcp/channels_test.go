package localhcp_test

import (
	"context"
	"strings"
	"testing"

	ps "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func TestChannelLifecycle(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	v1 := pub(t, srv, publish.Options{Bucket: "chan"})
	v2 := pub(t, srv, publish.Options{Bucket: "chan"})

	empty := check(c.createChannel("chan", "dev", "", false)).ok(t)
	if empty.Version != nil || empty.Managed || empty.Restricted || empty.BucketName != "chan" || empty.AuthorID == "" {
		t.Fatalf("empty channel = %+v", empty)
	}
	stable := check(c.createChannel("chan", "stable", v1.Fingerprint, true)).ok(t)
	if stable.Version == nil || stable.Version.Fingerprint != v1.Fingerprint || !stable.Restricted {
		t.Fatalf("stable = %+v", stable)
	}
	if len(stable.Version.Builds) != 1 || len(stable.Version.Builds[0].Artifacts) != 1 {
		t.Fatalf("channel version lacks builds and artifacts: %+v", stable.Version)
	}
	wantCode(t, check(c.createChannel("chan", "stable", "", false)).err, 409, 6)
	wantCode(t, check(c.createChannel("chan", "latest", "", false)).err, 409, 6)
	wantCode(t, check(c.createChannel("chan", "no_underscores", "", false)).err, 400, 3)
	msg := wantCode(t, check(c.createChannel("chan", "ghost", "nope", false)).err, 404, 5)
	if !strings.Contains(msg, "version with fingerprint (fingerprint: nope) does not exist") {
		t.Errorf("unknown fingerprint message = %q", msg)
	}

	// update_mask decides: only the flag, only the version, both.
	un := check(c.updateChannel("chan", "stable", &models.HashicorpCloudPacker20230101UpdateChannelBody{UpdateMask: "restricted"})).ok(t)
	if un.Restricted || un.Version == nil || un.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("after un-restrict = %+v", un)
	}
	moved := check(c.assignChannel("chan", "stable", v2.Fingerprint)).ok(t)
	if moved.Version.Fingerprint != v2.Fingerprint {
		t.Fatalf("after assign = %+v", moved.Version)
	}
	both := check(c.updateChannel("chan", "stable", &models.HashicorpCloudPacker20230101UpdateChannelBody{
		UpdateMask: "versionFingerprint,restricted", Restricted: true, VersionFingerprint: v1.Fingerprint,
	})).ok(t)
	if !both.Restricted || both.Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("after both = %+v", both)
	}
	// An empty fingerprint with the mask unassigns: no version key at all.
	cleared := check(c.assignChannel("chan", "stable", "")).ok(t)
	if cleared.Version != nil {
		t.Fatalf("unassigned channel still has %+v", cleared.Version)
	}
	wantCode(t, check(c.updateChannel("chan", "stable", &models.HashicorpCloudPacker20230101UpdateChannelBody{})).err, 400, 3)
	wantCode(t, check(c.updateChannel("chan", "stable", &models.HashicorpCloudPacker20230101UpdateChannelBody{UpdateMask: "name"})).err, 400, 3)
	wantCode(t, check(c.assignChannel("chan", "missing", v1.Fingerprint)).err, 404, 5)

	// An incomplete version cannot be assigned.
	check(c.createVersion("chan", "unfinished")).ok(t)
	wantCode(t, check(c.assignChannel("chan", "dev", "unfinished")).err, 400, 9)

	// The managed latest: no assignment, no delete, but restricted may change.
	wantCode(t, check(c.assignChannel("chan", "latest", v1.Fingerprint)).err, 400, 9)
	wantCode(t, c.deleteChannel("chan", "latest"), 400, 9)
	lr := check(c.updateChannel("chan", "latest", &models.HashicorpCloudPacker20230101UpdateChannelBody{UpdateMask: "restricted", Restricted: true})).ok(t)
	if !lr.Restricted || !lr.Managed || lr.Version == nil || lr.Version.Fingerprint != v2.Fingerprint {
		t.Fatalf("latest after restrict = %+v", lr)
	}

	all := check(c.listChannels("chan")).ok(t)
	if len(all) != 3 || all[0].Name != "dev" || all[1].Name != "latest" || all[2].Name != "stable" {
		t.Fatalf("channels = %+v", all)
	}
	if err := c.deleteChannel("chan", "dev"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	wantCode(t, check(c.getChannel("chan", "dev")).err, 404, 5)
}

func TestChannelNamedAssignIsReadable(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	check(c.createBucket("routes", "", nil)).ok(t)
	check(c.createChannel("routes", "assign", "", false)).ok(t)
	if got := check(c.getChannel("routes", "assign")).ok(t); got.Name != "assign" {
		t.Fatalf("got %+v", got)
	}
}

func TestAssignChannelVersionAndHistory(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	v1 := pub(t, srv, publish.Options{Bucket: "hist"})
	v2 := pub(t, srv, publish.Options{Bucket: "hist"})
	check(c.createChannel("hist", "stable", v1.Fingerprint, false)).ok(t)
	check(c.createChannel("hist", "prod", "", false)).ok(t)
	check(c.assignChannel("hist", "stable", v2.Fingerprint)).ok(t)

	p := ps.NewPackerServiceAssignChannelVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, "hist"
	p.Body = &models.HashicorpCloudPacker20230101AssignChannelVersionBody{SourceChannel: "stable", TargetChannel: "prod"}
	resp, err := c.pk.PackerServiceAssignChannelVersion(p, nil)
	if err != nil {
		t.Fatalf("assign: %v", err)
	}
	if resp.Payload.Fingerprint != v2.Fingerprint || resp.Payload.TargetChannel.Version.Fingerprint != v2.Fingerprint ||
		resp.Payload.SourceChannel.Name != "stable" || resp.Payload.Version.Fingerprint != v2.Fingerprint {
		t.Fatalf("assign answer = %+v", resp.Payload)
	}
	p.Body = &models.HashicorpCloudPacker20230101AssignChannelVersionBody{SourceChannel: "stable", TargetChannel: "latest"}
	_, err = c.pk.PackerServiceAssignChannelVersion(p, nil)
	wantCode(t, err, 400, 9)

	check(c.assignChannel("hist", "stable", "")).ok(t)
	h := check(c.history("hist", "stable", 0, "")).ok(t)
	if h.Count != 3 || len(h.History) != 3 {
		t.Fatalf("history count %d len %d, want 3", h.Count, len(h.History))
	}
	if h.History[0].Version != nil || h.History[1].Version.Fingerprint != v2.Fingerprint || h.History[2].Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("history not newest first: %+v", h.History)
	}
	if h.History[0].AuthorID != srv.Principal("contributor").ID {
		t.Fatalf("history author = %q", h.History[0].AuthorID)
	}
	page := check(c.history("hist", "stable", 2, "")).ok(t)
	if len(page.History) != 2 || page.Count != 3 || page.Pagination.NextPageToken == "" {
		t.Fatalf("history page = %+v", page)
	}
	rest := check(c.history("hist", "stable", 2, page.Pagination.NextPageToken)).ok(t)
	if len(rest.History) != 1 || rest.History[0].Version.Fingerprint != v1.Fingerprint {
		t.Fatalf("history page 2 = %+v", rest)
	}

	// latest's own history records every automatic move.
	lh := check(c.history("hist", "latest", 0, "")).ok(t)
	if lh.Count != 2 || lh.History[0].Version.Fingerprint != v2.Fingerprint {
		t.Fatalf("latest history = %+v", lh)
	}
}

func TestPublishWithoutCreateChannelsFailsOnMissingChannel(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	_, err := publish.Publish(context.Background(), srv.Env("contributor"), publish.Options{
		Bucket: "no-channel", Channels: []string{"stable"}, Builds: []publish.Build{{}},
	})
	if err == nil || !strings.Contains(err.Error(), `channel "stable"`) {
		t.Fatalf("err = %v, want a failure naming the channel", err)
	}
	c := clientsFor(t, srv, "contributor")
	if l := check(c.getChannel("no-channel", "latest")).ok(t); l.Version == nil || l.Version.Name != "v1" {
		t.Fatalf("the version was not published: %+v", l)
	}
}
