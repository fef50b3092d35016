package localhcp_test

import (
	"context"
	"errors"
	"testing"

	ps "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// Thin wrappers over the SDK's Packer client so tests read as the calls
// they make.

func (c *sdk) createBucket(name, description string, labels map[string]string) (*models.HashicorpCloudPacker20230101Bucket, error) {
	p := ps.NewPackerServiceCreateBucketParams()
	p.LocationOrganizationID, p.LocationProjectID = c.org, c.project
	p.Body = &models.HashicorpCloudPacker20230101CreateBucketBody{Name: name, Description: description, Labels: labels}
	r, err := c.pk.PackerServiceCreateBucket(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Bucket, nil
}

func (c *sdk) getBucket(name string) (*models.HashicorpCloudPacker20230101Bucket, error) {
	p := ps.NewPackerServiceGetBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, name
	r, err := c.pk.PackerServiceGetBucket(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Bucket, nil
}

func (c *sdk) listBuckets(pageSize int64, token string, orderBy ...string) (*models.HashicorpCloudPacker20230101ListBucketsResponse, error) {
	p := ps.NewPackerServiceListBucketsParams()
	p.LocationOrganizationID, p.LocationProjectID = c.org, c.project
	if pageSize != 0 {
		p.PaginationPageSize = &pageSize
	}
	if token != "" {
		p.PaginationNextPageToken = &token
	}
	p.SortingOrderBy = orderBy
	r, err := c.pk.PackerServiceListBuckets(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func (c *sdk) updateBucket(name, description string, labels map[string]string) (*models.HashicorpCloudPacker20230101Bucket, error) {
	p := ps.NewPackerServiceUpdateBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, name
	p.Body = &models.HashicorpCloudPacker20230101UpdateBucketBody{Description: description, Labels: labels}
	r, err := c.pk.PackerServiceUpdateBucket(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Bucket, nil
}

func (c *sdk) deleteBucket(name string) error {
	p := ps.NewPackerServiceDeleteBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, name
	_, err := c.pk.PackerServiceDeleteBucket(p, nil)
	return err
}

func (c *sdk) createVersion(bucket, fp string) (*models.HashicorpCloudPacker20230101Version, error) {
	p := ps.NewPackerServiceCreateVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, bucket
	p.Body = &models.HashicorpCloudPacker20230101CreateVersionBody{Fingerprint: fp, TemplateType: models.HashicorpCloudPacker20230101TemplateTypeHCL2.Pointer()}
	r, err := c.pk.PackerServiceCreateVersion(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Version, nil
}

func (c *sdk) getVersion(bucket, fp string) (*models.HashicorpCloudPacker20230101Version, error) {
	p := ps.NewPackerServiceGetVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.org, c.project, bucket, fp
	r, err := c.pk.PackerServiceGetVersion(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Version, nil
}

func (c *sdk) listVersions(bucket string, pageSize int64, token string) (*models.HashicorpCloudPacker20230101ListVersionsResponse, error) {
	p := ps.NewPackerServiceListVersionsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, bucket
	if pageSize != 0 {
		p.PaginationPageSize = &pageSize
	}
	if token != "" {
		p.PaginationNextPageToken = &token
	}
	r, err := c.pk.PackerServiceListVersions(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func (c *sdk) updateVersion(bucket, fp string, body *models.HashicorpCloudPacker20230101UpdateVersionBody) (*models.HashicorpCloudPacker20230101UpdateVersionResponse, error) {
	p := ps.NewPackerServiceUpdateVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.org, c.project, bucket, fp
	p.Body = body
	r, err := c.pk.PackerServiceUpdateVersion(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

func (c *sdk) deleteVersion(bucket, fp string, rollback bool) error {
	p := ps.NewPackerServiceDeleteVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.org, c.project, bucket, fp
	if rollback {
		p.RollbackChannels = &rollback
	}
	_, err := c.pk.PackerServiceDeleteVersion(p, nil)
	return err
}

func (c *sdk) createBuild(bucket, fp string, body *models.HashicorpCloudPacker20230101CreateBuildBody) (*models.HashicorpCloudPacker20230101Build, error) {
	p := ps.NewPackerServiceCreateBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.org, c.project, bucket, fp
	p.Body = body
	r, err := c.pk.PackerServiceCreateBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Build, nil
}

func (c *sdk) updateBuild(bucket, fp, id string, body *models.HashicorpCloudPacker20230101UpdateBuildBody) (*models.HashicorpCloudPacker20230101Build, error) {
	p := ps.NewPackerServiceUpdateBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.org, c.project, bucket, fp, id
	p.Body = body
	r, err := c.pk.PackerServiceUpdateBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Build, nil
}

func (c *sdk) getBuild(bucket, fp, id string) (*models.HashicorpCloudPacker20230101Build, error) {
	p := ps.NewPackerServiceGetBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.org, c.project, bucket, fp, id
	r, err := c.pk.PackerServiceGetBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Build, nil
}

func (c *sdk) listBuilds(bucket, fp string) ([]*models.HashicorpCloudPacker20230101Build, error) {
	p := ps.NewPackerServiceListBuildsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.org, c.project, bucket, fp
	r, err := c.pk.PackerServiceListBuilds(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Builds, nil
}

func (c *sdk) deleteBuild(bucket, fp, id string) error {
	p := ps.NewPackerServiceDeleteBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.org, c.project, bucket, fp, id
	_, err := c.pk.PackerServiceDeleteBuild(p, nil)
	return err
}

func (c *sdk) createChannel(bucket, name, fp string, restricted bool) (*models.HashicorpCloudPacker20230101Channel, error) {
	p := ps.NewPackerServiceCreateChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, bucket
	p.Body = &models.HashicorpCloudPacker20230101CreateChannelBody{Name: name, VersionFingerprint: fp, Restricted: restricted}
	r, err := c.pk.PackerServiceCreateChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Channel, nil
}

func (c *sdk) getChannel(bucket, name string) (*models.HashicorpCloudPacker20230101Channel, error) {
	p := ps.NewPackerServiceGetChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.ChannelName = c.org, c.project, bucket, name
	r, err := c.pk.PackerServiceGetChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Channel, nil
}

func (c *sdk) listChannels(bucket string) ([]*models.HashicorpCloudPacker20230101Channel, error) {
	p := ps.NewPackerServiceListChannelsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.org, c.project, bucket
	r, err := c.pk.PackerServiceListChannels(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Channels, nil
}

func (c *sdk) updateChannel(bucket, name string, body *models.HashicorpCloudPacker20230101UpdateChannelBody) (*models.HashicorpCloudPacker20230101Channel, error) {
	p := ps.NewPackerServiceUpdateChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.ChannelName = c.org, c.project, bucket, name
	p.Body = body
	r, err := c.pk.PackerServiceUpdateChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Channel, nil
}

func (c *sdk) assignChannel(bucket, name, fp string) (*models.HashicorpCloudPacker20230101Channel, error) {
	return c.updateChannel(bucket, name, &models.HashicorpCloudPacker20230101UpdateChannelBody{VersionFingerprint: fp, UpdateMask: "versionFingerprint"})
}

func (c *sdk) deleteChannel(bucket, name string) error {
	p := ps.NewPackerServiceDeleteChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.ChannelName = c.org, c.project, bucket, name
	_, err := c.pk.PackerServiceDeleteChannel(p, nil)
	return err
}

func (c *sdk) history(bucket, name string, pageSize int64, token string) (*models.HashicorpCloudPacker20230101ListChannelAssignmentHistoryResponse, error) {
	p := ps.NewPackerServiceListChannelAssignmentHistoryParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.ChannelName = c.org, c.project, bucket, name
	if pageSize != 0 {
		p.PaginationPageSize = &pageSize
	}
	if token != "" {
		p.PaginationNextPageToken = &token
	}
	r, err := c.pk.PackerServiceListChannelAssignmentHistory(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

// apiError is what every SDK *Default error offers.
type apiError interface {
	Code() int
	GetPayload() *cloud.GoogleRPCStatus
}

// wantCode fails unless err is an API error with the HTTP status and gRPC
// code given, and returns its message.
func wantCode(t *testing.T, err error, httpStatus int, code int32) string {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want HTTP %d code %d", httpStatus, code)
	}
	var ae apiError
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v, want an API error with HTTP %d code %d", err, err, httpStatus, code)
	}
	if ae.Code() != httpStatus || ae.GetPayload() == nil || ae.GetPayload().Code != code {
		t.Fatalf("got HTTP %d body %+v, want HTTP %d code %d", ae.Code(), ae.GetPayload(), httpStatus, code)
	}
	return ae.GetPayload().Message
}

// checked carries a call's two results so a test can demand success
// (check(call()).ok(t)) or look at the error alone (check(call()).err).
type checked[T any] struct {
	v   T
	err error
}

func check[T any](v T, err error) checked[T] { return checked[T]{v, err} }

func (c checked[T]) ok(t *testing.T) T {
	t.Helper()
	if c.err != nil {
		t.Fatalf("unexpected error: %v", c.err)
	}
	return c.v
}

// pub publishes through the publish package as the contributor.
func pub(t *testing.T, srv *localhcp.Server, o publish.Options) *publish.Result {
	t.Helper()
	if len(o.Builds) == 0 {
		o.Builds = []publish.Build{{Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-" + o.Bucket}}
	}
	res, err := publish.Publish(context.Background(), srv.Env("contributor"), o)
	if err != nil {
		t.Fatalf("publish to %s: %v", o.Bucket, err)
	}
	return res
}

func status(v *models.HashicorpCloudPacker20230101Version) string {
	if v == nil || v.Status == nil {
		return "<nil>"
	}
	return string(*v.Status)
}
