package httpapi

import (
	"strconv"
	"strings"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// The part of Packer 2021-04-30 that Packer's hcp-packer-iteration and
// hcp-packer-image data sources and HCP's cURL promotion use, mapped onto
// the same registry rules as 2023-01-01 (CONTRACT.md §6.9).
const (
	legacyPrefix    = "/packer/2021-04-30/organizations/{org}/projects/{project}"
	legacyImagePath = legacyPrefix + "/images/{bucket}"
	// legacyCountSuffix sets the request counts of these endpoints apart
	// from their 2023-01-01 twins, which share their actions.
	legacyCountSuffix = "@2021-04-30"
)

func (h *Handler) registerLegacyRoutes() {
	add := func(method, path, action string, fn handlerFunc) {
		h.router.add(method, path, &endpoint{action: action, scope: scopeProject, fn: fn, served: h.counts.counter(action + legacyCountSuffix)})
	}
	add("GET", legacyImagePath+"/channels/{channel}", "packer.channels.get", legacyGetChannel)
	add("PATCH", legacyImagePath+"/channels/{channel}", "packer.channels.update", legacyUpdateChannel)
	add("GET", legacyImagePath+"/iteration", "packer.iterations.get", legacyGetIteration)
	add("GET", legacyImagePath+"/iterations/{iteration}/builds", "packer.builds.list", legacyListBuilds)
	add("GET", legacyPrefix+"/builds/{build}", "packer.builds.get", legacyGetBuild)
}

func legacyGetChannel(h *Handler, c *call) (any, error) {
	ch, err := h.cfg.Service.GetChannel(c.ctx, c.loc, c.param("bucket"), c.param("channel"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"channel": renderLegacyChannel(c.loc, ch)}, nil
}

func legacyGetIteration(h *Handler, c *call) (any, error) {
	q := c.r.URL.Query()
	ref := registry.IterationRef{ID: q.Get("iteration_id"), Fingerprint: q.Get("fingerprint")}
	if s := q.Get("incremental_version"); s != "" {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil || n < 0 {
			return nil, invalidArgument("incremental_version %q is invalid: use the N of the version's name vN", truncate(s))
		}
		ref.Number = n
	}
	v, err := h.cfg.Service.GetIteration(c.ctx, c.loc, c.param("bucket"), ref)
	if err != nil {
		return nil, err
	}
	return map[string]any{"iteration": renderIteration(c.loc, v)}, nil
}

func legacyListBuilds(h *Handler, c *call) (any, error) {
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	fp, err := h.cfg.Service.ResolveVersion(c.ctx, c.loc, c.param("bucket"), registry.IterationRef{ID: c.param("iteration")})
	if err != nil {
		return nil, err
	}
	builds, info, err := h.cfg.Service.ListBuilds(c.ctx, c.loc, c.param("bucket"), fp, o)
	if err != nil {
		return nil, err
	}
	out := make([]wire.LegacyBuild, 0, len(builds))
	for _, b := range builds {
		out = append(out, renderLegacyBuild(b))
	}
	return map[string]any{"builds": out, "location": location(c.loc), "pagination": pagination(info)}, nil
}

func legacyGetBuild(h *Handler, c *call) (any, error) {
	b, _, err := h.cfg.Service.FindBuild(c.ctx, c.loc, c.param("build"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"build": renderLegacyBuild(*b)}, nil
}

func legacyUpdateChannel(h *Handler, c *call) (any, error) {
	var body wire.LegacyUpdateChannelBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	u, refs, err := legacyChannelUpdate(body)
	if err != nil {
		return nil, err
	}
	if strings.Contains(u.Mask, "versionFingerprint") {
		if u.VersionFingerprint, err = resolveSameIteration(h, c, refs); err != nil {
			return nil, err
		}
	}
	ch, err := h.cfg.Service.UpdateChannel(c.ctx, c.loc, c.author(), c.param("bucket"), c.param("channel"), u)
	if err != nil {
		return nil, err
	}
	return map[string]any{"channel": renderLegacyChannel(c.loc, ch)}, nil
}

// legacyChannelUpdate reads a 2021-04-30 UpdateChannel body as a
// 2023-01-01 channel update plus the references to the iteration to
// assign; every reference must name the same one, and none unassigns.
//
// With a mask, each identifier it names is a reference and `restriction`
// must then be RESTRICTED or UNRESTRICTED. Without one, the first
// identifier set (iteration_id, fingerprint, incremental_version) is the
// only reference, the assignment is left alone when none is set, and so is
// the flag when restriction is unset.
func legacyChannelUpdate(body wire.LegacyUpdateChannelBody) (registry.ChannelUpdate, []registry.IterationRef, error) {
	var u registry.ChannelUpdate
	var refs []registry.IterationRef
	var fields []string
	restriction := func(required bool) error {
		switch body.Restriction {
		case "RESTRICTED", "UNRESTRICTED":
			u.Restricted = body.Restriction == "RESTRICTED"
			fields = append(fields, "restricted")
		case "", "RESTRICTION_UNSET":
			if required {
				return invalidArgument("the mask names restriction but restriction is unset: send RESTRICTED or UNRESTRICTED")
			}
		default:
			return invalidArgument("restriction %q is invalid: use RESTRICTED or UNRESTRICTED", truncate(body.Restriction))
		}
		return nil
	}
	if strings.TrimSpace(body.Mask) == "" {
		if ref := (registry.IterationRef{ID: body.IterationID, Fingerprint: body.Fingerprint, Number: body.IncrementalVersion}); !ref.IsZero() {
			refs = append(refs, ref)
			fields = append(fields, "versionFingerprint")
		}
		if err := restriction(false); err != nil {
			return u, nil, err
		}
		if len(fields) == 0 {
			return u, nil, invalidArgument("nothing to update: set iteration_id, fingerprint, incremental_version or restriction, or name the fields in mask")
		}
		u.Mask = strings.Join(fields, ",")
		return u, refs, nil
	}
	assign := false
	for _, path := range strings.Split(body.Mask, ",") {
		switch strings.TrimSpace(path) {
		case "iterationId", "iteration_id":
			assign, refs = true, append(refs, registry.IterationRef{ID: body.IterationID})
		case "fingerprint":
			assign, refs = true, append(refs, registry.IterationRef{Fingerprint: body.Fingerprint})
		case "incrementalVersion", "incremental_version":
			assign, refs = true, append(refs, registry.IterationRef{Number: body.IncrementalVersion})
		case "restriction":
			if err := restriction(true); err != nil {
				return u, nil, err
			}
		default:
			return u, nil, invalidArgument("mask path %q is unknown: use iterationId, fingerprint, incrementalVersion or restriction", truncate(strings.TrimSpace(path)))
		}
	}
	if assign {
		fields = append(fields, "versionFingerprint")
	}
	u.Mask = strings.Join(fields, ",")
	return u, refs, nil
}

// resolveSameIteration returns the fingerprint every set reference names,
// "" when none is set.
func resolveSameIteration(h *Handler, c *call, refs []registry.IterationRef) (string, error) {
	fp := ""
	for _, ref := range refs {
		if ref.IsZero() {
			continue
		}
		got, err := h.cfg.Service.ResolveVersion(c.ctx, c.loc, c.param("bucket"), ref)
		if err != nil {
			return "", err
		}
		if fp != "" && got != fp {
			return "", invalidArgument("the identifiers the mask names belong to different iterations (%s and %s): send identifiers of one iteration", fp, got)
		}
		fp = got
	}
	return fp, nil
}
