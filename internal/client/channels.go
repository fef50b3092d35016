package client

import (
	"context"
	"sort"
	"strings"

	packerservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
)

// update_mask paths of UpdateChannel, in the API's lowerCamel spelling.
const (
	maskVersionFingerprint = "versionFingerprint"
	maskRestricted         = "restricted"
)

// ListChannels returns every channel of the bucket, the managed "latest"
// included. The API does not paginate this call.
func (c *Client) ListChannels(ctx context.Context, loc Location, bucket string) ([]Channel, error) {
	params := packerservice.NewPackerServiceListChannelsParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(bucket)
	resp, err := c.packer.PackerServiceListChannels(params, nil)
	if err != nil {
		return nil, classify("ListChannels", err)
	}
	var channels []Channel
	for _, m := range resp.GetPayload().Channels {
		if ch := channelFromModel(m); ch != nil {
			channels = append(channels, *ch)
		}
	}
	return channels, nil
}

func (c *Client) GetChannel(ctx context.Context, loc Location, bucket, name string) (*Channel, error) {
	params := packerservice.NewPackerServiceGetChannelParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(bucket).WithChannelName(name)
	resp, err := c.packer.PackerServiceGetChannel(params, nil)
	if err != nil {
		return nil, classify("GetChannel", err)
	}
	return channelOrError("GetChannel", channelFromModel(resp.GetPayload().Channel), bucket, name)
}

// CreateChannel creates a channel, assigned when in.VersionFingerprint is
// set.
func (c *Client) CreateChannel(ctx context.Context, loc Location, bucket string, in ChannelInput) (*Channel, error) {
	params := packerservice.NewPackerServiceCreateChannelParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(bucket).
		WithBody(&models.HashicorpCloudPacker20230101CreateChannelBody{
			Name:               in.Name,
			Restricted:         in.Restricted,
			VersionFingerprint: in.VersionFingerprint,
		})
	resp, err := c.packer.PackerServiceCreateChannel(params, nil)
	if err != nil {
		return nil, classify("CreateChannel", err)
	}
	return channelOrError("CreateChannel", channelFromModel(resp.GetPayload().Channel), bucket, in.Name)
}

// UpdateChannel changes the fields of in that are non-nil; the update mask
// names exactly those, since the API cannot tell an omitted false or "" from
// an unset one. A pointer to "" unassigns the channel. With nothing to
// change it only reads the channel.
func (c *Client) UpdateChannel(ctx context.Context, loc Location, bucket, name string, in ChannelUpdate) (*Channel, error) {
	body := &models.HashicorpCloudPacker20230101UpdateChannelBody{}
	var mask []string
	if in.VersionFingerprint != nil {
		body.VersionFingerprint = *in.VersionFingerprint
		mask = append(mask, maskVersionFingerprint)
	}
	if in.Restricted != nil {
		body.Restricted = *in.Restricted
		mask = append(mask, maskRestricted)
	}
	if len(mask) == 0 {
		return c.GetChannel(ctx, loc, bucket, name)
	}
	body.UpdateMask = strings.Join(mask, ",")

	params := packerservice.NewPackerServiceUpdateChannelParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(bucket).WithChannelName(name).WithBody(body)
	ch, err := confirmWrite(ctx, "UpdateChannel", func() (*Channel, error) {
		resp, err := c.packer.PackerServiceUpdateChannel(params, nil)
		if err != nil {
			return nil, err
		}
		return channelOrError("UpdateChannel", channelFromModel(resp.GetPayload().Channel), bucket, name)
	}, func() (*Channel, bool, error) {
		ch, err := c.GetChannel(ctx, loc, bucket, name)
		return ch, err == nil && in.shownBy(ch), err
	})
	return ch, classify("UpdateChannel", err)
}

// shownBy reports whether ch carries every change of the update.
func (in ChannelUpdate) shownBy(ch *Channel) bool {
	if in.Restricted != nil && ch.Restricted != *in.Restricted {
		return false
	}
	if in.VersionFingerprint != nil {
		assigned := ""
		if ch.Version != nil {
			assigned = ch.Version.Fingerprint
		}
		return assigned == *in.VersionFingerprint
	}
	return true
}

func (c *Client) DeleteChannel(ctx context.Context, loc Location, bucket, name string) error {
	params := packerservice.NewPackerServiceDeleteChannelParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBucketName(bucket).WithChannelName(name)
	_, err := c.packer.PackerServiceDeleteChannel(params, nil)
	return classify("DeleteChannel", err)
}

// ChannelHistory returns the channel's assignments, newest first,
// following pagination to the end.
func (c *Client) ChannelHistory(ctx context.Context, loc Location, bucket, name string) ([]ChannelAssignment, error) {
	const op = "ChannelHistory"
	var history []ChannelAssignment
	err := paginate(op, func(token *string) (string, error) {
		params := packerservice.NewPackerServiceListChannelAssignmentHistoryParamsWithContext(ctx).
			WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
			WithBucketName(bucket).WithChannelName(name).WithPaginationNextPageToken(token)
		resp, err := c.packer.PackerServiceListChannelAssignmentHistory(params, nil)
		if err != nil {
			return "", classify(op, err)
		}
		for _, m := range resp.GetPayload().History {
			if m != nil {
				history = append(history, assignmentFromModel(m))
			}
		}
		return nextToken(resp.GetPayload().Pagination), nil
	})
	if err != nil {
		return nil, err
	}
	// The API has no sorting parameter for history; make "newest first"
	// hold regardless of its default.
	sort.SliceStable(history, func(i, j int) bool { return history[i].AssignedAt.After(history[j].AssignedAt) })
	return history, nil
}

func channelOrError(op string, ch *Channel, bucket, name string) (*Channel, error) {
	if ch == nil {
		return nil, emptyAnswer(op, "channel "+quote(name)+" of bucket "+quote(bucket))
	}
	return ch, nil
}
