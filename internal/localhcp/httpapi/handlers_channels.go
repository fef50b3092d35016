package httpapi

import (
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

func createChannel(h *Handler, c *call) (any, error) {
	var body wire.CreateChannelBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	ch, err := h.cfg.Service.CreateChannel(c.ctx, c.loc, c.author(), c.param("bucket"), registry.ChannelInput{
		Name: body.Name, Restricted: body.Restricted, VersionFingerprint: body.VersionFingerprint,
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"channel": renderChannel(ch)}, nil
}

func getChannel(h *Handler, c *call) (any, error) {
	ch, err := h.cfg.Service.GetChannel(c.ctx, c.loc, c.param("bucket"), c.param("channel"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"channel": renderChannel(ch)}, nil
}

func listChannels(h *Handler, c *call) (any, error) {
	channels, err := h.cfg.Service.ListChannels(c.ctx, c.loc, c.param("bucket"))
	if err != nil {
		return nil, err
	}
	out := make([]wire.Channel, 0, len(channels))
	for _, ch := range channels {
		out = append(out, renderChannel(ch))
	}
	return map[string]any{"channels": out}, nil
}

func updateChannel(h *Handler, c *call) (any, error) {
	var body wire.UpdateChannelBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	ch, err := h.cfg.Service.UpdateChannel(c.ctx, c.loc, c.author(), c.param("bucket"), c.param("channel"), registry.ChannelUpdate{
		Mask: body.UpdateMask, VersionFingerprint: body.VersionFingerprint, Restricted: body.Restricted,
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"channel": renderChannel(ch)}, nil
}

func deleteChannel(h *Handler, c *call) (any, error) {
	if err := h.cfg.Service.DeleteChannel(c.ctx, c.loc, c.param("bucket"), c.param("channel")); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func assignChannelVersion(h *Handler, c *call) (any, error) {
	var body wire.AssignChannelVersionBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	res, err := h.cfg.Service.AssignChannelVersion(c.ctx, c.loc, c.author(), c.param("bucket"), body.SourceChannel, body.TargetChannel)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"fingerprint":    res.Fingerprint,
		"source_channel": renderChannel(res.Source),
		"target_channel": renderChannel(res.Target),
	}
	if res.Version != nil {
		out["version"] = renderVersion(res.Version, false)
	}
	return out, nil
}

func listChannelHistory(h *Handler, c *call) (any, error) {
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	entries, total, info, err := h.cfg.Service.ListChannelHistory(c.ctx, c.loc, c.param("bucket"), c.param("channel"), o)
	if err != nil {
		return nil, err
	}
	out := make([]wire.ChannelAssignment, 0, len(entries))
	for _, e := range entries {
		out = append(out, renderAssignment(e))
	}
	return map[string]any{"history": out, "count": total, "pagination": pagination(info)}, nil
}
