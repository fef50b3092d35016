package httpapi

import (
	"strconv"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

func createVersion(h *Handler, c *call) (any, error) {
	var body wire.CreateVersionBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	v, err := h.cfg.Service.CreateVersion(c.ctx, c.loc, c.author(), c.param("bucket"), body.Fingerprint, body.TemplateType)
	if err != nil {
		return nil, err
	}
	return map[string]any{"version": renderVersion(v, true)}, nil
}

func getVersion(h *Handler, c *call) (any, error) {
	v, err := h.cfg.Service.GetVersion(c.ctx, c.loc, c.param("bucket"), c.param("fingerprint"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"version": renderVersion(v, true)}, nil
}

func listVersions(h *Handler, c *call) (any, error) {
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	versions, info, err := h.cfg.Service.ListVersions(c.ctx, c.loc, c.param("bucket"), o)
	if err != nil {
		return nil, err
	}
	out := make([]wire.Version, 0, len(versions))
	for _, v := range versions {
		out = append(out, renderVersion(v, false))
	}
	return map[string]any{"versions": out, "pagination": pagination(info)}, nil
}

func updateVersion(h *Handler, c *call) (any, error) {
	var body wire.UpdateVersionBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	u := registry.VersionUpdate{
		Complete: body.Complete, RevokeIn: body.RevokeIn, RevocationMessage: body.RevocationMessage,
		SkipDescendantsRevocation: body.SkipDescendantsRevocation, DisableRollbackChannels: body.DisableRollbackChannels,
		Restore: body.Restore,
	}
	if body.RevokeAt != nil {
		at, err := wire.ParseRequestTime("revoke_at", *body.RevokeAt)
		if err != nil {
			return nil, invalidArgument("%s", err.Error())
		}
		u.RevokeAt = at
	}
	v, op, err := h.cfg.Service.UpdateVersion(c.ctx, c.loc, c.author(), c.param("bucket"), c.param("fingerprint"), u)
	if err != nil {
		return nil, err
	}
	return map[string]any{"operation": renderOperation(op), "version": renderVersion(v, true)}, nil
}

func deleteVersion(h *Handler, c *call) (any, error) {
	rollback := false
	if s := c.r.URL.Query().Get("rollback_channels"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, invalidArgument("rollback_channels %q is invalid: use true or false", truncate(s))
		}
		rollback = b
	}
	if err := h.cfg.Service.DeleteVersion(c.ctx, c.loc, c.author(), c.param("bucket"), c.param("fingerprint"), rollback); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
