package client

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/go-openapi/strfmt"
	packerservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	"google.golang.org/grpc/codes"
)

// GetVersion reports a missing version as a NotFound error: the API itself
// answers Aborted on this call, which Packer relies on.
func (c *Client) GetVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error) {
	const op = "GetVersion"
	params := packerservice.NewPackerServiceGetVersionParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(bucket).WithFingerprint(fingerprint)
	resp, err := c.packer.PackerServiceGetVersion(params, nil)
	if err != nil {
		err = classify(op, err)
		var e *Error
		if errors.As(err, &e) && e.Code == codes.Aborted {
			e.Code = codes.NotFound
		}
		return nil, err
	}
	return versionOrError(op, versionFromModel(resp.GetPayload().Version), bucket, fingerprint)
}

// ListVersions returns every version of the bucket, newest first, following
// pagination to the end.
func (c *Client) ListVersions(ctx context.Context, loc Location, bucket string) ([]Version, error) {
	const op = "ListVersions"
	var versions []Version
	err := paginate(op, func(token *string) (string, error) {
		params := packerservice.NewPackerServiceListVersionsParamsWithContext(ctx).
			WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
			WithBucketName(bucket).WithSortingOrderBy([]string{"created_at desc"}).
			WithPaginationNextPageToken(token)
		resp, err := c.packer.PackerServiceListVersions(params, nil)
		if err != nil {
			return "", classify(op, err)
		}
		for _, m := range resp.GetPayload().Versions {
			if v := versionFromModel(m); v != nil {
				versions = append(versions, *v)
			}
		}
		return nextToken(resp.GetPayload().Pagination), nil
	})
	if err != nil {
		return nil, err
	}
	// The order the API applies by default is not documented; sort, so
	// that "newest first" holds whatever the server did with the request.
	sort.SliceStable(versions, func(i, j int) bool { return versions[i].CreatedAt.After(versions[j].CreatedAt) })
	return versions, nil
}

// RevokeVersion revokes the version now, at r.At, or after r.In.
func (c *Client) RevokeVersion(ctx context.Context, loc Location, bucket, fingerprint string, r Revocation) (*Version, error) {
	const op = "RevokeVersion"
	body := &models.HashicorpCloudPacker20230101UpdateVersionBody{
		RevocationMessage:         r.Message,
		SkipDescendantsRevocation: r.SkipDescendants,
		DisableRollbackChannels:   r.DisableRollbackChannels,
	}
	if r.At != nil && r.At.IsZero() {
		// The wire cannot tell a zero revoke_at from an absent one.
		r.At = nil
	}
	switch {
	case r.At != nil && r.In != "":
		return nil, &Error{Op: op, Code: codes.InvalidArgument,
			Message: "a revocation takes either a time (revoke_at) or a delay (revoke_in), not both"}
	case r.At != nil:
		body.RevokeAt = strfmt.DateTime(r.At.UTC())
	case r.In != "":
		body.RevokeIn = r.In
	default:
		// "0s" asks the server to revoke at its own now, which a skewed
		// local clock cannot turn into a scheduled revocation.
		body.RevokeIn = "0s"
	}
	return c.updateVersion(ctx, op, loc, bucket, fingerprint, body, func(v *Version) bool {
		return v.RevokeAt != nil && v.RevocationType == string(models.HashicorpCloudPacker20230101RevocationTypeMANUAL) &&
			v.RevocationMessage == r.Message &&
			(r.At == nil || v.RevokeAt.Equal(r.At.UTC().Truncate(time.Millisecond)))
	})
}

// RestoreVersion makes a revoked version valid again.
func (c *Client) RestoreVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error) {
	return c.updateVersion(ctx, "RestoreVersion", loc, bucket, fingerprint,
		&models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true},
		func(v *Version) bool { return v.RevokeAt == nil })
}

// updateVersion sends UpdateVersion and returns the version as the answer
// carries it, in its state after the update. shows says whether a version
// read back carries the update, for an answer that was lost.
func (c *Client) updateVersion(ctx context.Context, op string, loc Location, bucket, fingerprint string,
	body *models.HashicorpCloudPacker20230101UpdateVersionBody, shows func(*Version) bool) (*Version, error) {
	params := packerservice.NewPackerServiceUpdateVersionParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(bucket).WithFingerprint(fingerprint).WithBody(body)
	v, err := confirmWrite(ctx, op, func() (*Version, error) {
		resp, err := c.packer.PackerServiceUpdateVersion(params, nil)
		if err != nil {
			return nil, err
		}
		return versionOrError(op, versionFromModel(resp.GetPayload().Version), bucket, fingerprint)
	}, func() (*Version, bool, error) {
		v, err := c.GetVersion(ctx, loc, bucket, fingerprint)
		return v, err == nil && shows(v), err
	})
	return v, classify(op, err)
}

func versionOrError(op string, v *Version, bucket, fingerprint string) (*Version, error) {
	if v == nil {
		return nil, emptyAnswer(op, "version "+quote(fingerprint)+" of bucket "+quote(bucket))
	}
	return v, nil
}
