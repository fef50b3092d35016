package httpapi

import (
	"errors"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// The IAM service's resource-name routes take the whole name as one path
// parameter; hcp-sdk-go escapes its slashes, other clients may not, and the
// router unescapes both into the same name (CONTRACT.md §12.1).
const iamNamesPath = "/2019-12-10/{name...}"

// Actions of the IAM service, for role checks.
const (
	actionCreatePrincipal = "iam.serviceprincipals.create"
	actionListPrincipals  = "iam.serviceprincipals.list"
	actionGetPrincipal    = "iam.serviceprincipals.get"
	actionDeletePrincipal = "iam.serviceprincipals.delete"
	actionCreateKey       = "iam.serviceprincipalkeys.create"
	actionDeleteKey       = "iam.serviceprincipalkeys.delete"
)

func (h *Handler) registerIAMRoutes() {
	h.addSelf("POST", iamNamesPath, "iam.names.post", postIAMName)
	h.addSelf("GET", iamNamesPath, "iam.names.get", getIAMName)
	h.addSelf("DELETE", iamNamesPath, "iam.names.delete", deleteIAMName)
	h.addSelf("PATCH", iamNamesPath, "iam.names.patch", patchIAMName)
	h.router.add("GET", "/iam/2019-12-10/caller-identity", &endpoint{action: "iam.calleridentity.get", scope: scopeNone,
		fn: getCallerIdentity, served: h.counts.counter("iam.calleridentity.get"), open: true})
}

// addSelf registers a route of scopeSelf; action names its counter, the
// handler checks roles itself.
func (h *Handler) addSelf(method, path, action string, fn handlerFunc) {
	h.router.add(method, path, &endpoint{action: action, scope: scopeSelf, fn: fn, served: h.counts.counter(action)})
}

// postIAMName is CreateServicePrincipal (iam/<parent>/service-principals),
// CreateServicePrincipalKey (<principal>/keys) and
// CreateWorkloadIdentityProvider (<principal>/workload-identity-providers).
func postIAMName(h *Handler, c *call) (any, error) {
	name := c.param("name")
	if parent, ok := strings.CutSuffix(name, "/service-principals"); ok && strings.HasPrefix(parent, "iam/") {
		return h.createServicePrincipal(c, strings.TrimPrefix(parent, "iam/"))
	}
	if sp, ok := strings.CutSuffix(name, "/keys"); ok {
		return h.createKey(c, sp)
	}
	if sp, ok := strings.CutSuffix(name, providersSuffix); ok {
		return h.createProvider(c, sp)
	}
	return nil, h.unservedName(c, name)
}

// getIAMName is ListServicePrincipals, GetServicePrincipal,
// ListWorkloadIdentityProviders and GetWorkloadIdentityProvider.
func getIAMName(h *Handler, c *call) (any, error) {
	name := c.param("name")
	if parent, ok := strings.CutSuffix(name, "/service-principals"); ok && strings.HasPrefix(parent, "iam/") {
		return h.listServicePrincipals(c, strings.TrimPrefix(parent, "iam/"))
	}
	if sp, ok := strings.CutSuffix(name, providersSuffix); ok {
		return h.listProviders(c, sp)
	}
	if n, wipName, ok := iam.ParseProviderName(name); ok {
		return h.getProvider(c, n, wipName)
	}
	n, ok := iam.ParseName(name)
	if !ok || n.KeyID != "" {
		return nil, h.unservedName(c, name)
	}
	loc, err := h.parentLoc(n.Parent)
	if err != nil {
		return nil, err
	}
	if err := h.Authorize(c.principal, actionGetPrincipal, loc.ProjectID, ""); err != nil {
		return nil, err
	}
	var out map[string]any
	err = h.cfg.DB.ViewTx(c.ctx, func(tx *store.Tx) error {
		sp, err := servicePrincipalNamed(tx, n)
		if err != nil {
			return err
		}
		keys, err := tx.KeysOf(sp.ID)
		if err != nil {
			return err
		}
		rendered := renderServicePrincipal(h.cfg.Organization.ID, sp)
		out = map[string]any{"service_principal": rendered, "keys": renderKeys(rendered.ResourceName, keys)}
		return nil
	})
	return out, err
}

// deleteIAMName is DeleteServicePrincipal, DeleteServicePrincipalKey and
// DeleteWorkloadIdentityProvider.
func deleteIAMName(h *Handler, c *call) (any, error) {
	name := c.param("name")
	if n, wipName, ok := iam.ParseProviderName(name); ok {
		return h.deleteProvider(c, n, wipName)
	}
	n, ok := iam.ParseName(name)
	if !ok {
		return nil, h.unservedName(c, name)
	}
	loc, err := h.parentLoc(n.Parent)
	if err != nil {
		return nil, err
	}
	action := actionDeletePrincipal
	if n.KeyID != "" {
		action = actionDeleteKey
	}
	if err := h.Authorize(c.principal, action, loc.ProjectID, ""); err != nil {
		return nil, err
	}
	err = h.changeIdentities(c, func(tx *store.Tx) error {
		sp, err := servicePrincipalNamed(tx, n)
		if err != nil {
			return err
		}
		if n.KeyID == "" {
			return tx.DeleteServicePrincipal(sp.ID)
		}
		if err := tx.DeleteKey(sp.ID, n.KeyID); errors.Is(err, registry.ErrNotFound) {
			return registry.Errorf(codes.NotFound, "service principal key %q not found: list the principal's keys with GetServicePrincipal", name)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (h *Handler) createServicePrincipal(c *call, parentName string) (any, error) {
	parent, loc, err := h.parseParent(parentName)
	if err != nil {
		return nil, err
	}
	if err := h.Authorize(c.principal, actionCreatePrincipal, loc.ProjectID, ""); err != nil {
		return nil, err
	}
	var body wire.CreateServicePrincipalBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	if err := iam.CheckName(body.Name); err != nil {
		return nil, invalidArgument("%s", err.Error())
	}
	sp := store.ServicePrincipal{ID: iam.NewPrincipalID(body.Name), Name: body.Name, ProjectID: parent.ProjectID, CreatedAt: h.now()}
	err = h.changeIdentities(c, func(tx *store.Tx) error {
		if _, err := tx.ServicePrincipalByName(sp.ProjectID, sp.Name); err == nil {
			return registry.Errorf(codes.AlreadyExists, "service principal %q already exists: choose another name or delete it first", iam.PrincipalName(parent, sp.Name))
		} else if !errors.Is(err, registry.ErrNotFound) {
			return err
		}
		return tx.InsertServicePrincipal(&sp)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"service_principal": renderServicePrincipal(h.cfg.Organization.ID, &sp)}, nil
}

func (h *Handler) listServicePrincipals(c *call, parentName string) (any, error) {
	parent, loc, err := h.parseParent(parentName)
	if err != nil {
		return nil, err
	}
	if err := h.Authorize(c.principal, actionListPrincipals, loc.ProjectID, ""); err != nil {
		return nil, err
	}
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	var all []wire.ServicePrincipal
	err = h.cfg.DB.ViewTx(c.ctx, func(tx *store.Tx) error {
		sps, err := tx.ServicePrincipals()
		for i := range sps {
			if sps[i].ProjectID == parent.ProjectID {
				all = append(all, renderServicePrincipal(h.cfg.Organization.ID, &sps[i]))
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return pageAnswer("service_principals", all, o)
}

func (h *Handler) createKey(c *call, principalName string) (any, error) {
	n, ok := iam.ParseName(principalName)
	if !ok || n.KeyID != "" {
		return nil, h.unservedName(c, principalName+"/keys")
	}
	loc, err := h.parentLoc(n.Parent)
	if err != nil {
		return nil, err
	}
	if err := h.Authorize(c.principal, actionCreateKey, loc.ProjectID, ""); err != nil {
		return nil, err
	}
	secret := iam.NewSecret()
	k := store.Key{ClientID: iam.NewClientID(), KeyID: iam.NewKeyID(), SecretHash: iam.HashSecret(secret), CreatedAt: h.now()}
	err = h.changeIdentities(c, func(tx *store.Tx) error {
		sp, err := servicePrincipalNamed(tx, n)
		if err != nil {
			return err
		}
		k.PrincipalID = sp.ID
		return tx.InsertKey(&k)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"key": renderKey(principalName, k), "client_secret": secret}, nil
}

func getCallerIdentity(h *Handler, c *call) (any, error) {
	sp, ok := h.auth.ids.Load().principals[c.principal.ID]
	if !ok {
		return nil, registry.Errorf(codes.Unauthenticated, "the principal of this access token no longer exists: request a new token with current credentials")
	}
	rendered := renderServicePrincipal(h.cfg.Organization.ID, &sp)
	return map[string]any{"principal": wire.Principal{ID: sp.ID, Type: principalTypeService, Service: &rendered}}, nil
}

// changeIdentities runs fn in a write transaction and reloads what the
// authenticator checks requests against. One change at a time, so a
// reload never replaces a newer view with an older one.
func (h *Handler) changeIdentities(c *call, fn func(tx *store.Tx) error) error {
	h.iamMu.Lock()
	defer h.iamMu.Unlock()
	if err := h.cfg.DB.UpdateTx(c.ctx, fn); err != nil {
		return err
	}
	return h.auth.load(c.ctx, h.cfg.Organization.ID)
}

// parseParent reads and checks a parent resource name.
func (h *Handler) parseParent(s string) (iam.Parent, registry.Loc, error) {
	parent, ok := iam.ParseParent(s)
	if !ok {
		return iam.Parent{}, registry.Loc{}, invalidArgument("parent %q is invalid: use project/<project id> or organization/<organization id>", truncate(s))
	}
	loc, err := h.parentLoc(parent)
	return parent, loc, err
}

// parentLoc checks that a parent is the organization or one of its
// projects.
func (h *Handler) parentLoc(p iam.Parent) (registry.Loc, error) {
	if p.ProjectID == "" {
		if p.OrganizationID != h.cfg.Organization.ID {
			return registry.Loc{}, registry.Errorf(codes.NotFound, "organization %q not found: localhcp serves organization %s (HCP_ORGANIZATION_ID)", truncate(p.OrganizationID), h.cfg.Organization.ID)
		}
		return registry.Loc{OrganizationID: p.OrganizationID}, nil
	}
	return h.location(h.cfg.Organization.ID, p.ProjectID)
}

// unservedName answers a name under /2019-12-10/ that is no service
// principal, key or workload identity provider.
func (h *Handler) unservedName(c *call, name string) error {
	return registry.Errorf(codes.NotFound, "no API route matches %s /2019-12-10/%s: name a service principal (iam/project/<id>/service-principal/<name>), one of its keys or one of its workload identity providers (…/workload-identity-provider/<name>)", c.r.Method, truncate(name))
}

func servicePrincipalNamed(tx *store.Tx, n iam.ParsedName) (*store.ServicePrincipal, error) {
	sp, err := tx.ServicePrincipalByName(n.Parent.ProjectID, n.Name)
	if errors.Is(err, registry.ErrNotFound) {
		return nil, registry.Errorf(codes.NotFound, "service principal %q not found", iam.PrincipalName(n.Parent, n.Name))
	}
	return sp, err
}

func renderServicePrincipal(orgID string, sp *store.ServicePrincipal) wire.ServicePrincipal {
	parent := iam.Parent{OrganizationID: orgID, ProjectID: sp.ProjectID}
	return wire.ServicePrincipal{
		ID: sp.ID, Name: sp.Name, ResourceName: iam.PrincipalName(parent, sp.Name),
		OrganizationID: orgID, ProjectID: sp.ProjectID, CreatedAt: wire.NewTime(sp.CreatedAt),
	}
}

func renderKeys(principalName string, keys []store.Key) []wire.ServicePrincipalKey {
	out := make([]wire.ServicePrincipalKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, renderKey(principalName, k))
	}
	return out
}

func renderKey(principalName string, k store.Key) wire.ServicePrincipalKey {
	return wire.ServicePrincipalKey{
		ClientID: k.ClientID, ResourceName: iam.KeyName(principalName, k.KeyID), CreatedAt: wire.NewTime(k.CreatedAt), State: "ACTIVE",
	}
}
