package client

import (
	"context"

	packerservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// runTaskType is the only run task HCP Packer offers HCP Terraform.
const runTaskType = "validation"

// RunTask is the HCP Terraform run task of a project's registry: the address
// HCP Terraform calls and the key it signs its requests with.
type RunTask struct {
	APIURL  string
	HMACKey string
}

// GetRunTask returns the registry's run task with its current HMAC key.
// Reading the key needs a contributor: a viewer is PermissionDenied.
func (c *Client) GetRunTask(ctx context.Context, loc Location) (*RunTask, error) {
	params := packerservice.NewPackerServiceGetRegistryTFCRunTaskAPIParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithTaskType(runTaskType)
	resp, err := c.packer.PackerServiceGetRegistryTFCRunTaskAPI(params, nil)
	if err != nil {
		return nil, classify("GetRegistryTFCRunTaskAPI", err)
	}
	p := resp.GetPayload()
	if p == nil || p.APIURL == "" || p.HmacKey == "" {
		return nil, emptyAnswer("GetRegistryTFCRunTaskAPI", "the run task of project "+quote(loc.ProjectID))
	}
	return &RunTask{APIURL: p.APIURL, HMACKey: p.HmacKey}, nil
}

// RegenerateRunTaskKey replaces the registry's HMAC key and returns the new
// one; the old key stops verifying HCP Terraform's requests at once.
func (c *Client) RegenerateRunTaskKey(ctx context.Context, loc Location) (string, error) {
	params := packerservice.NewPackerServiceRegenerateTFCRunTaskHmacKeyParamsWithContext(ctx).
		WithLocationOrganizationID(loc.OrganizationID).WithLocationProjectID(loc.ProjectID).
		WithBody(packerservice.PackerServiceRegenerateTFCRunTaskHmacKeyBody{})
	resp, err := c.packer.PackerServiceRegenerateTFCRunTaskHmacKey(params, nil)
	if err != nil {
		return "", classify("RegenerateTFCRunTaskHmacKey", err)
	}
	p := resp.GetPayload()
	if p == nil || p.HmacKey == "" {
		return "", emptyAnswer("RegenerateTFCRunTaskHmacKey", "the run task of project "+quote(loc.ProjectID))
	}
	return p.HmacKey, nil
}

// MaskRunTaskKeys returns ctx with the given HMAC keys masked in every
// provider log line written through it. The HCP API traffic's lines never
// carry a successful answer's body, so the key cannot reach them.
func MaskRunTaskKeys(ctx context.Context, keys ...string) context.Context {
	if masks := maskable(keys); len(masks) > 0 {
		return tflog.MaskLogStrings(ctx, masks...)
	}
	return ctx
}
