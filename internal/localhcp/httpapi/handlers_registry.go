package httpapi

import (
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

func getRegistry(h *Handler, c *call) (any, error) {
	r, err := h.cfg.Service.GetRegistry(c.ctx, c.loc)
	if err != nil {
		return nil, err
	}
	return map[string]any{"registry": renderRegistry(c.loc.OrganizationID, r)}, nil
}

func createRegistry(h *Handler, c *call) (any, error) {
	var body wire.CreateRegistryBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	r, op, err := h.cfg.Service.CreateRegistry(c.ctx, c.loc, body.FeatureTier)
	return registryAnswer(c, r, op, err)
}

func updateRegistry(h *Handler, c *call) (any, error) {
	var body wire.UpdateRegistryBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	r, op, err := h.cfg.Service.UpdateRegistry(c.ctx, c.loc, registry.RegistryUpdate{
		Mask: body.UpdateMask, Tier: body.FeatureTier, Activated: body.Activated,
	})
	return registryAnswer(c, r, op, err)
}

func deleteRegistry(h *Handler, c *call) (any, error) {
	r, op, err := h.cfg.Service.DeleteRegistry(c.ctx, c.loc)
	return registryAnswer(c, r, op, err)
}

func registryAnswer(c *call, r *registry.Registry, op *registry.Operation, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return map[string]any{"operation": renderOperation(op), "registry": renderRegistry(c.loc.OrganizationID, r)}, nil
}

func getRunTaskAPI(h *Handler, c *call) (any, error) {
	key, err := h.cfg.Service.RunTaskHMACKey(c.ctx, c.loc, false)
	if err != nil {
		return nil, err
	}
	return map[string]any{"api_url": h.runTaskURL(c), "hmac_key": key}, nil
}

func regenerateHMAC(h *Handler, c *call) (any, error) {
	key, err := h.cfg.Service.RunTaskHMACKey(c.ctx, c.loc, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"hmac_key": key}, nil
}

func (h *Handler) runTaskURL(c *call) string {
	return h.cfg.BaseURL + "/packer/2023-01-01/organizations/" + c.loc.OrganizationID + "/projects/" +
		c.loc.ProjectID + "/runtasks/" + c.param("task_type")
}

func getEnforcedBlocksByBucket(h *Handler, c *call) (any, error) {
	if err := h.cfg.Service.CheckBucket(c.ctx, c.loc, c.param("bucket")); err != nil {
		return nil, err
	}
	return map[string]any{"enforced_block_detail": []any{}}, nil
}
