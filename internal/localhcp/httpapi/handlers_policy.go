package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// policyTarget is what a policy is kept on: the organization, a project
// or a bucket.
type policyTarget struct {
	resource  string // the key of its bindings (package iam)
	projectID string // "" for the organization
	bucket    string
	// what names it in messages.
	what string
}

// targetFunc resolves the target a policy route names: from the path, or
// for the resource service from resourceName. kind is the target's kind
// in action names.
type targetFunc func(h *Handler, c *call, resourceName string) (t policyTarget, kind string, err error)

func (h *Handler) registerPolicyRoutes() {
	for _, r := range []struct {
		path, kind string
		target     targetFunc
	}{
		{rmPrefix + "/organizations/{id}/iam-policy", "organizations", organizationTarget},
		{rmPrefix + "/projects/{id}/iam-policy", "projects", projectTarget},
		{resourcePolicyPath, "resources", bucketTarget},
	} {
		h.addSelf("GET", r.path, "resourcemanager."+r.kind+".getiampolicy", getPolicy(r.target))
		h.addSelf("PUT", r.path, "resourcemanager."+r.kind+".setiampolicy", setPolicy(r.target))
	}
	h.router.add("GET", "/iam/2019-12-10/organizations/{org}/principals", &endpoint{action: "iam.principals.list", scope: scopeNone,
		fn: batchGetPrincipals, served: h.counts.counter("iam.principals.list"), open: true})
}

// resourcePolicyPath is the resource service's policy route; its version
// comes before the service, unlike the organization's and project's.
const resourcePolicyPath = "/2019-12-10/resource-manager/resources/iam-policy"

func organizationTarget(h *Handler, c *call, _ string) (policyTarget, string, error) {
	id := c.param("id")
	if id != h.cfg.Organization.ID {
		return policyTarget{}, "", registry.Errorf(codes.NotFound, "organization %q not found: localhcp serves organization %s", truncate(id), h.cfg.Organization.ID)
	}
	return policyTarget{resource: iam.OrganizationResource(id), what: "organization " + id}, "organizations", nil
}

func projectTarget(h *Handler, c *call, _ string) (policyTarget, string, error) {
	id := c.param("id")
	if _, ok := h.projects[id]; !ok {
		return policyTarget{}, "", registry.Errorf(codes.NotFound, "project %q not found in organization %s", truncate(id), h.cfg.Organization.ID)
	}
	return policyTarget{resource: iam.ProjectResource(id), projectID: id, what: "project " + id}, "projects", nil
}

// bucketTarget is the resource service's target: a bucket, the only
// resource localhcp keeps a policy on besides the organization and its
// projects.
func bucketTarget(h *Handler, c *call, resourceName string) (policyTarget, string, error) {
	if resourceName == "" {
		return policyTarget{}, "", invalidArgument("resource_name is required: localhcp finds resources by name, not by resource_id")
	}
	pid, bucket, ok := iam.ParseBucketResource(resourceName)
	if !ok {
		return policyTarget{}, "", invalidArgument("resource_name %q is not one localhcp keeps a policy on: use a bucket's resource_name, packer/project/<project id>/bucket/<bucket name>", truncate(resourceName))
	}
	loc, err := h.location(h.cfg.Organization.ID, pid)
	if err != nil {
		return policyTarget{}, "", err
	}
	if _, err := h.cfg.Service.GetBucket(c.ctx, loc, bucket); err != nil {
		return policyTarget{}, "", err
	}
	return policyTarget{resource: resourceName, projectID: pid, bucket: bucket, what: "bucket " + strconv.Quote(bucket)}, "resources", nil
}

// authorizedTarget resolves a policy route's target and checks the
// caller's role on it.
func (h *Handler) authorizedTarget(c *call, target targetFunc, resourceName string) (policyTarget, error) {
	t, kind, err := target(h, c, resourceName)
	if err != nil {
		return t, err
	}
	verb := "getiampolicy"
	if c.r.Method == http.MethodPut {
		verb = "setiampolicy"
	}
	return t, h.Authorize(c.principal, "resourcemanager."+kind+"."+verb, t.projectID, t.bucket)
}

func getPolicy(target targetFunc) handlerFunc {
	return func(h *Handler, c *call) (any, error) {
		t, err := h.authorizedTarget(c, target, c.r.URL.Query().Get("resource_name"))
		if err != nil {
			return nil, err
		}
		var p wire.Policy
		err = h.cfg.DB.ViewTx(c.ctx, func(tx *store.Tx) error {
			p, err = readPolicy(tx, t.resource)
			return err
		})
		if err != nil {
			return nil, err
		}
		return map[string]any{"policy": p}, nil
	}
}

// setPolicy replaces a policy whole, if the etag sent is the current one:
// otherwise Aborted (HTTP 409), the conflict the official provider's
// policy resources look for.
func setPolicy(target targetFunc) handlerFunc {
	return func(h *Handler, c *call) (any, error) {
		var body wire.SetIamPolicyBody
		if err := c.decode(&body); err != nil {
			return nil, err
		}
		t, err := h.authorizedTarget(c, target, body.ResourceName)
		if err != nil {
			return nil, err
		}
		if body.Policy == nil {
			return nil, invalidArgument("policy is required: send the whole policy with the etag GetIamPolicy returned")
		}
		if body.Policy.Etag == "" {
			return nil, invalidArgument("policy.etag is required: read the policy of %s with GetIamPolicy and send its etag, so no concurrent change is lost", t.what)
		}
		var out wire.Policy
		err = h.changeIdentities(c, func(tx *store.Tx) error {
			current, err := readPolicy(tx, t.resource)
			if err != nil {
				return err
			}
			if current.Etag != body.Policy.Etag {
				return registry.Errorf(codes.Aborted, "the IAM policy of %s changed since etag %q was read: read it again with GetIamPolicy and reapply the change", t.what, truncate(body.Policy.Etag))
			}
			bindings, err := h.checkBindings(t, body.Policy.Bindings)
			if err != nil {
				return err
			}
			if err := tx.ReplaceBindings(t.resource, bindings); err != nil {
				return err
			}
			out, err = readPolicy(tx, t.resource)
			return err
		})
		if err != nil {
			return nil, err
		}
		return map[string]any{"policy": out}, nil
	}
}

// checkBindings turns a policy's bindings into stored ones: basic roles
// only, and members that are service principals allowed on the target (an
// organization principal anywhere, a project principal in its project).
func (h *Handler) checkBindings(t policyTarget, in []wire.PolicyBinding) ([]store.Binding, error) {
	var out []store.Binding
	for _, b := range in {
		if !iam.KnownRole(b.RoleID) {
			return nil, invalidArgument("role %q in the policy of %s is not one localhcp knows: use roles/viewer, roles/contributor, roles/admin or roles/owner", truncate(b.RoleID), t.what)
		}
		for _, m := range b.Members {
			if m.MemberType != "" && m.MemberType != "UNSET" && m.MemberType != iam.MemberServicePrincipal {
				return nil, invalidArgument("member %q of %s in the policy of %s has type %s: localhcp has service principals only (SERVICE_PRINCIPAL)", truncate(m.MemberID), b.RoleID, t.what, truncate(m.MemberType))
			}
			sp, ok := h.auth.ids.Load().principals[m.MemberID]
			if !ok {
				return nil, invalidArgument("member %q of %s in the policy of %s is no service principal: bind a principal's id (hcp_service_principal.resource_id)", truncate(m.MemberID), b.RoleID, t.what)
			}
			if sp.ProjectID != "" && sp.ProjectID != t.projectID {
				return nil, invalidArgument("service principal %q belongs to project %s and cannot be bound on %s: bind it in its own project", sp.Name, sp.ProjectID, t.what)
			}
			out = append(out, store.Binding{Resource: t.resource, RoleID: b.RoleID, MemberID: m.MemberID, MemberType: iam.MemberServicePrincipal})
		}
	}
	return out, nil
}

// readPolicy is a resource's policy with its etag, which changes with
// every SetIamPolicy. Bindings are by role, members by id.
func readPolicy(tx *store.Tx, resource string) (wire.Policy, error) {
	version, err := tx.PolicyVersion(resource)
	if err != nil {
		return wire.Policy{}, err
	}
	bindings, err := tx.BindingsOn(resource)
	if err != nil {
		return wire.Policy{}, err
	}
	p := wire.Policy{Bindings: []wire.PolicyBinding{}, Etag: policyEtag(resource, version)}
	for _, b := range bindings {
		if n := len(p.Bindings); n == 0 || p.Bindings[n-1].RoleID != b.RoleID {
			p.Bindings = append(p.Bindings, wire.PolicyBinding{RoleID: b.RoleID, Members: []wire.PolicyMember{}})
		}
		last := &p.Bindings[len(p.Bindings)-1]
		last.Members = append(last.Members, wire.PolicyMember{MemberID: b.MemberID, MemberType: b.MemberType})
	}
	return p, nil
}

// policyEtag is opaque to clients: a digest of the resource and how often
// its policy changed.
func policyEtag(resource string, version int64) string {
	sum := sha256.Sum256([]byte(resource + "\x00" + strconv.FormatInt(version, 10)))
	return hex.EncodeToString(sum[:8])
}

// batchGetPrincipals is IamService_BatchGetPrincipals: every id asked for
// is answered, or the call fails naming the first unknown one, because
// the official provider dereferences each answer without a check.
func batchGetPrincipals(h *Handler, c *call) (any, error) {
	if c.param("org") != h.cfg.Organization.ID {
		return nil, registry.Errorf(codes.NotFound, "organization %q not found: localhcp serves organization %s", truncate(c.param("org")), h.cfg.Organization.ID)
	}
	ids := h.auth.ids.Load()
	asked := c.r.URL.Query()["principal_ids"]
	if len(asked) > 1000 {
		return nil, invalidArgument("%d principal_ids asked for: ask for at most 1000 at a time", len(asked))
	}
	out := make([]wire.Principal, 0, len(asked))
	seen := map[string]bool{}
	for _, id := range asked {
		if seen[id] {
			continue
		}
		seen[id] = true
		sp, ok := ids.principals[id]
		if !ok {
			return nil, registry.Errorf(codes.NotFound, "principal %q not found in organization %s", truncate(id), h.cfg.Organization.ID)
		}
		rendered := renderServicePrincipal(h.cfg.Organization.ID, &sp)
		out = append(out, wire.Principal{ID: sp.ID, Type: principalTypeService, Service: &rendered})
	}
	return map[string]any{"principals": out}, nil
}

// principalTypeService is the Principal type of a service principal.
const principalTypeService = "PRINCIPAL_TYPE_SERVICE"
