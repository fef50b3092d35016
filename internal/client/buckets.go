package client

import (
	"context"
	"maps"

	packerservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
)

// ListBuckets returns every bucket of the location, by name.
func (c *Client) ListBuckets(ctx context.Context, loc Location) ([]Bucket, error) {
	const op = "ListBuckets"
	var buckets []Bucket
	err := paginate(op, func(token *string) (string, error) {
		params := packerservice.NewPackerServiceListBucketsParamsWithContext(ctx).
			WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
			WithSortingOrderBy([]string{"name"}).WithPaginationNextPageToken(token)
		resp, err := c.packer.PackerServiceListBuckets(params, nil)
		if err != nil {
			return "", classify(op, err)
		}
		for _, m := range resp.GetPayload().Buckets {
			if b := bucketFromModel(m, loc); b != nil {
				buckets = append(buckets, *b)
			}
		}
		return nextToken(resp.GetPayload().Pagination), nil
	})
	if err != nil {
		return nil, err
	}
	return buckets, nil
}

func (c *Client) GetBucket(ctx context.Context, loc Location, name string) (*Bucket, error) {
	params := packerservice.NewPackerServiceGetBucketParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(name)
	resp, err := c.packer.PackerServiceGetBucket(params, nil)
	if err != nil {
		return nil, classify("GetBucket", err)
	}
	return bucketOrError("GetBucket", bucketFromModel(resp.GetPayload().Bucket, loc), name)
}

func (c *Client) CreateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error) {
	params := packerservice.NewPackerServiceCreateBucketParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBody(&models.HashicorpCloudPacker20230101CreateBucketBody{
			Name:        in.Name,
			Description: in.Description,
			Labels:      copyLabels(in.Labels),
		})
	resp, err := c.packer.PackerServiceCreateBucket(params, nil)
	if err != nil {
		return nil, classify("CreateBucket", err)
	}
	return bucketOrError("CreateBucket", bucketFromModel(resp.GetPayload().Bucket, loc), in.Name)
}

// UpdateBucket replaces the bucket's description and labels.
func (c *Client) UpdateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error) {
	params := packerservice.NewPackerServiceUpdateBucketParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(in.Name).
		WithBody(&models.HashicorpCloudPacker20230101UpdateBucketBody{
			Description: in.Description,
			Labels:      copyLabels(in.Labels),
		})
	b, err := confirmWrite(ctx, "UpdateBucket", func() (*Bucket, error) {
		resp, err := c.packer.PackerServiceUpdateBucket(params, nil)
		if err != nil {
			return nil, err
		}
		return bucketOrError("UpdateBucket", bucketFromModel(resp.GetPayload().Bucket, loc), in.Name)
	}, func() (*Bucket, bool, error) {
		b, err := c.GetBucket(ctx, loc, in.Name)
		return b, err == nil && b.Description == in.Description && maps.Equal(b.Labels, in.Labels), err
	})
	return b, classify("UpdateBucket", err)
}

func (c *Client) DeleteBucket(ctx context.Context, loc Location, name string) error {
	params := packerservice.NewPackerServiceDeleteBucketParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(name)
	_, err := c.packer.PackerServiceDeleteBucket(params, nil)
	return classify("DeleteBucket", err)
}

// bucketOrError guards against a 200 answer without the bucket, which
// would otherwise reach callers as a nil pointer.
func bucketOrError(op string, b *Bucket, name string) (*Bucket, error) {
	if b == nil {
		return nil, emptyAnswer(op, "bucket "+quote(name))
	}
	return b, nil
}
