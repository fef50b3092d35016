package localhcp_test

import (
	"testing"
	"time"

	ls "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/client/packer_service"
	lm "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/models"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// Calls of the Packer 2021-04-30 API, as Packer's hcp-packer-iteration and
// hcp-packer-image data sources and HCP's cURL promotion make them.

func (c *sdk) legacyChannel(bucket, channel string) (*lm.HashicorpCloudPackerChannel, error) {
	p := ls.NewPackerServiceGetChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug, p.Slug = c.org, c.project, bucket, channel
	r, err := c.legacy.PackerServiceGetChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Channel, nil
}

func (c *sdk) legacyPromote(bucket, channel string, body ls.PackerServiceUpdateChannelBody) (*lm.HashicorpCloudPackerChannel, error) {
	p := ls.NewPackerServiceUpdateChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug, p.Slug, p.Body = c.org, c.project, bucket, channel, body
	r, err := c.legacy.PackerServiceUpdateChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Channel, nil
}

func (c *sdk) legacyIteration(bucket string, set func(*ls.PackerServiceGetIterationParams)) (*lm.HashicorpCloudPackerIteration, error) {
	p := ls.NewPackerServiceGetIterationParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug = c.org, c.project, bucket
	set(p)
	r, err := c.legacy.PackerServiceGetIteration(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Iteration, nil
}

func byIterationID(id string) func(*ls.PackerServiceGetIterationParams) {
	return func(p *ls.PackerServiceGetIterationParams) { p.IterationID = &id }
}

func TestLegacyDataSourceReadsAndPromotion(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	writer := clientsFor(t, srv, "contributor")
	viewer := clientsFor(t, srv, "viewer")
	v1 := pub(t, srv, publish.Options{Bucket: "golden", Builds: []publish.Build{{Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-1"}}})
	v2 := pub(t, srv, publish.Options{Bucket: "golden", Builds: []publish.Build{{Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-2"}}})
	check(writer.createChannel("golden", "prod", "", false)).ok(t)

	// An unassigned channel has no iteration: the data sources fail on it.
	if ch := check(viewer.legacyChannel("golden", "prod")).ok(t); ch.Iteration != nil || ch.Slug != "prod" || ch.BucketSlug != "golden" {
		t.Fatalf("unassigned channel = %+v", ch)
	}
	// The cURL promotion, by iteration id and then by incremental version.
	ch := check(writer.legacyPromote("golden", "prod", ls.PackerServiceUpdateChannelBody{IterationID: v1.VersionID})).ok(t)
	if ch.Iteration == nil || ch.Iteration.ID != v1.VersionID {
		t.Fatalf("promoted by id: %+v", ch)
	}
	ch = check(writer.legacyPromote("golden", "prod", ls.PackerServiceUpdateChannelBody{IncrementalVersion: 2})).ok(t)
	if ch.Iteration == nil || ch.Iteration.ID != v2.VersionID {
		t.Fatalf("promoted by incremental version: %+v", ch)
	}
	if got := check(writer.getChannel("golden", "prod")).ok(t); got.Version == nil || got.Version.Fingerprint != v2.Fingerprint {
		t.Fatalf("2023-01-01 sees prod on %+v, want %s", got.Version, v2.Fingerprint)
	}

	// What hcp-packer-iteration and hcp-packer-image read from the channel.
	ch = check(viewer.legacyChannel("golden", "prod")).ok(t)
	it := ch.Iteration
	if it == nil || it.ID != v2.VersionID || it.Fingerprint != v2.Fingerprint || it.BucketSlug != "golden" || !it.Complete ||
		it.IncrementalVersion != 2 || !time.Time(it.RevokeAt).IsZero() || time.Time(it.CreatedAt).IsZero() || len(it.Builds) != 1 {
		t.Fatalf("channel iteration = %+v", it)
	}
	b := it.Builds[0]
	if b.CloudProvider != "aws" || b.IterationID != v2.VersionID || b.ID != v2.BuildIDs[0] || *b.Status != lm.HashicorpCloudPackerBuildStatusDONE ||
		len(b.Images) != 1 || b.Images[0].ImageID != "ami-2" || b.Images[0].Region != "us-east-1" {
		t.Fatalf("channel build = %+v images %+v", b, b.Images)
	}

	// hcp-packer-image by iteration_id, and the other identifiers.
	if got := check(viewer.legacyIteration("golden", byIterationID(v1.VersionID))).ok(t); got.Fingerprint != v1.Fingerprint || got.IncrementalVersion != 1 {
		t.Fatalf("iteration by id = %+v", got)
	}
	fp := v1.Fingerprint
	if got := check(viewer.legacyIteration("golden", func(p *ls.PackerServiceGetIterationParams) { p.Fingerprint = &fp })).ok(t); got.ID != v1.VersionID {
		t.Fatalf("iteration by fingerprint = %+v", got)
	}
	two := int32(2)
	if got := check(viewer.legacyIteration("golden", func(p *ls.PackerServiceGetIterationParams) { p.IncrementalVersion = &two })).ok(t); got.ID != v2.VersionID {
		t.Fatalf("iteration by incremental version = %+v", got)
	}

	// The build reads.
	lb := ls.NewPackerServiceListBuildsParams()
	lb.LocationOrganizationID, lb.LocationProjectID, lb.BucketSlug, lb.IterationID = writer.org, writer.project, "golden", v1.VersionID
	builds, err := viewer.legacy.PackerServiceListBuilds(lb, nil)
	if err != nil || len(builds.Payload.Builds) != 1 || builds.Payload.Builds[0].Images[0].ImageID != "ami-1" {
		t.Fatalf("list builds = %+v, %v", builds, err)
	}
	gb := ls.NewPackerServiceGetBuildParams()
	gb.LocationOrganizationID, gb.LocationProjectID, gb.BuildID = writer.org, writer.project, v1.BuildIDs[0]
	build, err := viewer.legacy.PackerServiceGetBuild(gb, nil)
	if err != nil || build.Payload.Build.IterationID != v1.VersionID || build.Payload.Build.ComponentType == "" {
		t.Fatalf("get build = %+v, %v", build, err)
	}

	// Without a mask, what is not sent is left alone: restricting keeps the
	// assignment, and a body that sets nothing is refused.
	ch = check(writer.legacyPromote("golden", "prod", ls.PackerServiceUpdateChannelBody{
		Restriction: lm.HashicorpCloudPackerUpdateChannelRequestRestrictionRESTRICTED.Pointer()})).ok(t)
	if ch.Iteration == nil || ch.Iteration.ID != v2.VersionID || !ch.Restricted {
		t.Fatalf("after restricting without a mask: %+v", ch)
	}
	_, err = writer.legacyPromote("golden", "prod", ls.PackerServiceUpdateChannelBody{})
	wantCode(t, err, 400, 3)

	// With a mask, the identifiers named must agree; an empty one unassigns.
	_, err = writer.legacyPromote("golden", "prod", ls.PackerServiceUpdateChannelBody{Mask: "iterationId,incrementalVersion", IterationID: v1.VersionID, IncrementalVersion: 2})
	wantCode(t, err, 400, 3)
	ch = check(writer.legacyPromote("golden", "prod", ls.PackerServiceUpdateChannelBody{Mask: "iterationId,restriction",
		Restriction: lm.HashicorpCloudPackerUpdateChannelRequestRestrictionUNRESTRICTED.Pointer()})).ok(t)
	if ch.Iteration != nil || ch.Restricted {
		t.Fatalf("after unassigning and unrestricting: %+v", ch)
	}
}

func TestLegacyErrorsCarryTheCodesClientsBranchOn(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	writer := clientsFor(t, srv, "contributor")
	viewer := clientsFor(t, srv, "viewer")
	v := pub(t, srv, publish.Options{Bucket: "codes"})

	_, err := viewer.legacyChannel("nope", "latest")
	wantCode(t, err, 404, 5)
	_, err = viewer.legacyChannel("codes", "missing")
	wantCode(t, err, 404, 5)
	// Packer creates an iteration only after Aborted, as with GetVersion.
	_, err = viewer.legacyIteration("codes", byIterationID("01NOSUCHITERATION"))
	wantCode(t, err, 409, 10)
	_, err = viewer.legacyIteration("nope", byIterationID(v.VersionID))
	wantCode(t, err, 404, 5)
	_, err = viewer.legacyIteration("codes", func(*ls.PackerServiceGetIterationParams) {})
	wantCode(t, err, 400, 3)
	_, err = viewer.legacyPromote("codes", "latest", ls.PackerServiceUpdateChannelBody{IterationID: v.VersionID})
	wantCode(t, err, 403, 7)
	_, err = writer.legacyPromote("codes", "latest", ls.PackerServiceUpdateChannelBody{IterationID: v.VersionID})
	wantCode(t, err, 400, 9)
	check(writer.createChannel("codes", "prod", "", false)).ok(t)
	_, err = writer.legacyPromote("codes", "prod", ls.PackerServiceUpdateChannelBody{Fingerprint: "unknown"})
	wantCode(t, err, 404, 5)
	gb := ls.NewPackerServiceGetBuildParams()
	gb.LocationOrganizationID, gb.LocationProjectID, gb.BuildID = writer.org, writer.project, "01NOSUCHBUILD"
	_, err = viewer.legacy.PackerServiceGetBuild(gb, nil)
	wantCode(t, err, 404, 5)
	// A route of 2021-04-30 that localhcp does not serve.
	del := ls.NewPackerServiceDeleteChannelParams()
	del.LocationOrganizationID, del.LocationProjectID, del.BucketSlug, del.Slug = writer.org, writer.project, "codes", "prod"
	_, err = writer.legacy.PackerServiceDeleteChannel(del, nil)
	wantCode(t, err, 501, 12)
}

func TestLegacyIterationShowsRevocations(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	writer := clientsFor(t, srv, "contributor")
	parent := pub(t, srv, publish.Options{Bucket: "base"})
	child := pub(t, srv, publish.Options{Bucket: "app", ParentVersionID: parent.VersionID})
	check(writer.updateVersion("base", parent.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: "0s", RevocationMessage: "cve"})).ok(t)

	it := check(writer.legacyIteration("base", byIterationID(parent.VersionID))).ok(t)
	if time.Time(it.RevokeAt).IsZero() || !time.Time(it.RevokeAt).Before(time.Now()) || it.RevocationMessage != "cve" ||
		*it.RevocationType != lm.HashicorpCloudPackerIterationRevocationTypeMANUAL {
		t.Fatalf("revoked iteration = %+v", it)
	}
	it = check(writer.legacyIteration("app", byIterationID(child.VersionID))).ok(t)
	from := it.RevocationInheritedFrom
	if *it.RevocationType != lm.HashicorpCloudPackerIterationRevocationTypeINHERITED || from == nil ||
		from.IterationID != parent.VersionID || from.BucketSlug != "base" || from.IterationIncrementalVersion != 1 || from.Href == "" {
		t.Fatalf("inherited revocation = %+v from %+v", it, from)
	}
}
