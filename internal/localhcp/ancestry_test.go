package localhcp_test

import (
	"testing"

	ps "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func (c *sdk) ancestry(bucket, typ, fp, channel string) (*models.HashicorpCloudPacker20230101ListBucketAncestryResponse, error) {
	p := ps.NewPackerServiceListBucketAncestryParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, bucket
	if typ != "" {
		p.Type = &typ
	}
	if fp != "" {
		p.VersionFingerprint = &fp
	}
	if channel != "" {
		p.ChannelName = &channel
	}
	r, err := c.pk.PackerServiceListBucketAncestry(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func TestAncestryFollowsTheParentChannel(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	base1 := pub(t, srv, publish.Options{Bucket: "base-os"})
	stable := check(c.createChannel("base-os", "stable", base1.Fingerprint, false)).ok(t)
	app := pub(t, srv, publish.Options{Bucket: "app-img", ParentVersionID: base1.VersionID, ParentChannelID: stable.ID})

	parents := check(c.ancestry("app-img", "ANCESTRY_TYPE_PARENTS", "", "")).ok(t)
	if parents.TotalCount != 1 || len(parents.Relations) != 1 {
		t.Fatalf("parents = %+v", parents)
	}
	rel := parents.Relations[0]
	if *rel.Status != "UP_TO_DATE" || rel.Parent.BucketName != "base-os" || rel.Parent.ChannelName != "stable" ||
		rel.Parent.VersionFingerprint != base1.Fingerprint || rel.Child.VersionFingerprint != app.Fingerprint ||
		rel.Parent.ChannelVersion == nil || rel.Parent.ChannelVersion.Fingerprint != base1.Fingerprint {
		t.Fatalf("relation = %+v parent %+v child %+v", rel, rel.Parent, rel.Child)
	}
	children := check(c.ancestry("base-os", "ANCESTRY_TYPE_CHILDREN", "", "")).ok(t)
	if len(children.Relations) != 1 || children.Relations[0].Child.BucketName != "app-img" {
		t.Fatalf("children = %+v", children.Relations)
	}
	if b := check(c.getBucket("app-img")).ok(t); *b.Parents.Status != "UP_TO_DATE" {
		t.Fatalf("app bucket parents = %+v", b.Parents)
	}

	// The base moves on: the child is now out of date.
	base2 := pub(t, srv, publish.Options{Bucket: "base-os"})
	check(c.assignChannel("base-os", "stable", base2.Fingerprint)).ok(t)
	after := check(c.ancestry("app-img", "", app.Fingerprint, "")).ok(t)
	if len(after.Relations) != 1 || *after.Relations[0].Status != "OUT_OF_DATE" || after.Relations[0].Parent.ChannelVersion.Fingerprint != base2.Fingerprint {
		t.Fatalf("after the base moved = %+v", after.Relations)
	}
	if v := check(c.getVersion("app-img", app.Fingerprint)).ok(t); *v.Parents.Status != "OUT_OF_DATE" {
		t.Fatalf("version parents = %+v", v.Parents)
	}
	if b := check(c.getBucket("base-os")).ok(t); *b.Children.Status != "OUT_OF_DATE" {
		t.Fatalf("base children = %+v", b.Children)
	}
	byChannel := check(c.ancestry("base-os", "ANCESTRY_TYPE_CHILDREN", "", "stable")).ok(t)
	if len(byChannel.Relations) != 1 {
		t.Fatalf("children built from stable = %+v", byChannel.Relations)
	}
	wantCode(t, check(c.ancestry("base-os", "", "", "nope")).err, 404, 5)

	// Without a recorded channel the relation is undetermined.
	loose := pub(t, srv, publish.Options{Bucket: "loose-img", ParentVersionID: base1.VersionID})
	rels := check(c.ancestry("loose-img", "ANCESTRY_TYPE_PARENTS", loose.Fingerprint, "")).ok(t)
	if len(rels.Relations) != 1 || *rels.Relations[0].Status != "UNDETERMINED" {
		t.Fatalf("loose relation = %+v", rels.Relations)
	}
	// A parent channel id without a parent version id is refused.
	check(c.createVersion("loose-img", "orphan")).ok(t)
	_, err := c.createBuild("loose-img", "orphan", &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: "a.b", ParentChannelID: stable.ID})
	wantCode(t, err, 400, 3)
}
