package httpapi

import (
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

func listOrganizations(h *Handler, c *call) (any, error) {
	return map[string]any{
		"organizations": []wire.Organization{renderOrganization(h.cfg.Organization)},
		"pagination":    wire.Pagination{},
	}, nil
}

func getOrganization(h *Handler, c *call) (any, error) {
	if c.param("id") != h.cfg.Organization.ID {
		return nil, registry.Errorf(codes.NotFound, "organization %q not found: localhcp serves organization %s", c.param("id"), h.cfg.Organization.ID)
	}
	return map[string]any{"organization": renderOrganization(h.cfg.Organization)}, nil
}

func listProjects(h *Handler, c *call) (any, error) {
	q := c.r.URL.Query()
	if t := q.Get("scope.type"); t != "" && t != "ORGANIZATION" {
		return nil, invalidArgument("scope.type %q is not supported: use ORGANIZATION", truncate(t))
	}
	if id := q.Get("scope.id"); id != "" && id != h.cfg.Organization.ID {
		return nil, registry.Errorf(codes.NotFound, "organization %q not found: localhcp serves organization %s", truncate(id), h.cfg.Organization.ID)
	}
	o, err := listOptions(q)
	if err != nil {
		return nil, err
	}
	all := make([]wire.Project, 0, len(h.cfg.Projects))
	for _, p := range h.cfg.Projects {
		all = append(all, renderProject(h.cfg.Organization.ID, p))
	}
	return pageAnswer("projects", all, o)
}

func getProject(h *Handler, c *call) (any, error) {
	p, ok := h.projects[c.param("id")]
	if !ok {
		return nil, registry.Errorf(codes.NotFound, "project %q not found in organization %s", truncate(c.param("id")), h.cfg.Organization.ID)
	}
	return map[string]any{"project": renderProject(h.cfg.Organization.ID, p)}, nil
}

func getOperation(h *Handler, c *call) (any, error) {
	op, err := h.cfg.Service.GetOperation(c.ctx, c.loc, c.param("id"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"operation": renderOperation(op)}, nil
}

func listOperations(h *Handler, c *call) (any, error) {
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	ops, info, err := h.cfg.Service.ListOperations(c.ctx, c.loc, o)
	if err != nil {
		return nil, err
	}
	out := make([]wire.Operation, 0, len(ops))
	for i := range ops {
		out = append(out, renderOperation(&ops[i]))
	}
	return map[string]any{"operations": out, "pagination": pagination(info)}, nil
}
