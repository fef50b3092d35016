package httpapi

import (
	"encoding/json"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

func buildInput(body wire.BuildBody) (registry.BuildInput, error) {
	in := registry.BuildInput{
		ComponentType: body.ComponentType, PackerRunUUID: body.PackerRunUUID, Platform: body.Platform,
		SourceExternalIdentifier: body.SourceExternalIdentifier, Status: body.Status, Labels: body.Labels,
		ParentVersionID: body.ParentVersionID, ParentChannelID: body.ParentChannelID,
	}
	for _, a := range body.Artifacts {
		in.Artifacts = append(in.Artifacts, registry.ArtifactInput{ExternalIdentifier: a.ExternalIdentifier, Region: a.Region})
	}
	if body.Metadata != nil {
		// Re-encoding keeps only packer, vcs and cicd, the documented keys.
		raw, err := json.Marshal(body.Metadata)
		if err != nil {
			return in, invalidArgument("field \"metadata\" could not be stored: %s", err.Error())
		}
		in.Metadata = raw
	}
	return in, nil
}

func createBuild(h *Handler, c *call) (any, error) {
	var body wire.BuildBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	in, err := buildInput(body)
	if err != nil {
		return nil, err
	}
	b, err := h.cfg.Service.CreateBuild(c.ctx, c.loc, c.author(), c.param("bucket"), c.param("fingerprint"), in)
	if err != nil {
		return nil, err
	}
	return map[string]any{"build": renderBuild(*b, true)}, nil
}

func getBuild(h *Handler, c *call) (any, error) {
	b, err := h.cfg.Service.GetBuild(c.ctx, c.loc, c.param("bucket"), c.param("fingerprint"), c.param("build"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"build": renderBuild(*b, true)}, nil
}

func listBuilds(h *Handler, c *call) (any, error) {
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	builds, info, err := h.cfg.Service.ListBuilds(c.ctx, c.loc, c.param("bucket"), c.param("fingerprint"), o)
	if err != nil {
		return nil, err
	}
	out := make([]wire.Build, 0, len(builds))
	for _, b := range builds {
		out = append(out, renderBuild(b, true))
	}
	return map[string]any{"builds": out, "location": location(c.loc), "pagination": pagination(info)}, nil
}

func updateBuild(h *Handler, c *call) (any, error) {
	var body wire.BuildBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	in, err := buildInput(body)
	if err != nil {
		return nil, err
	}
	b, err := h.cfg.Service.UpdateBuild(c.ctx, c.loc, c.author(), c.param("bucket"), c.param("fingerprint"), c.param("build"), in)
	if err != nil {
		return nil, err
	}
	return map[string]any{"build": renderBuild(*b, true)}, nil
}

func deleteBuild(h *Handler, c *call) (any, error) {
	if err := h.cfg.Service.DeleteBuild(c.ctx, c.loc, c.author(), c.param("bucket"), c.param("fingerprint"), c.param("build")); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func uploadSBOM(h *Handler, c *call) (any, error) {
	var body wire.UploadSbomBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	s, err := h.cfg.Service.UploadSBOM(c.ctx, c.loc, c.param("bucket"), c.param("fingerprint"), c.param("build"),
		registry.SBOMInput{Name: body.Name, Format: body.Format, Content: body.CompressedSbom})
	if err != nil {
		return nil, err
	}
	return map[string]any{"sbom": wire.SBOM{ID: s.ID, Name: s.Name, Format: s.Format}}, nil
}
