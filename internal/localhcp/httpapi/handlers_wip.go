package httpapi

import (
	"errors"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/workload"
)

// Actions on workload identity providers (CONTRACT.md §14): reads need a
// viewer, changes an admin, as for service principals.
const (
	actionCreateProvider = "iam.workloadidentityproviders.create"
	actionListProviders  = "iam.workloadidentityproviders.list"
	actionGetProvider    = "iam.workloadidentityproviders.get"
	actionUpdateProvider = "iam.workloadidentityproviders.update"
	actionDeleteProvider = "iam.workloadidentityproviders.delete"
)

const providersSuffix = "/workload-identity-providers"

// patchIAMName is UpdateWorkloadIdentityProvider, the one PATCH of the
// IAM names.
func patchIAMName(h *Handler, c *call) (any, error) {
	name := c.param("name")
	n, wipName, ok := iam.ParseProviderName(name)
	if !ok {
		return nil, h.unservedName(c, name)
	}
	return h.updateProvider(c, n, wipName)
}

// providersParent reads the principal a create or list names: only
// project principals have providers.
func (h *Handler) providersParent(c *call, principalName, action string) (iam.ParsedName, error) {
	n, ok := iam.ParseName(principalName)
	if !ok || n.KeyID != "" {
		return n, h.unservedName(c, principalName+providersSuffix)
	}
	if n.Parent.ProjectID == "" {
		return n, invalidArgument("service principal %q belongs to the organization: workload identity providers belong to project service principals (iam/project/<project id>/service-principal/<name>)", truncateName(principalName))
	}
	return n, h.authorizeProviders(c, n, action)
}

// authorizeProviders checks the principal's project and the caller's role
// there.
func (h *Handler) authorizeProviders(c *call, n iam.ParsedName, action string) error {
	loc, err := h.parentLoc(n.Parent)
	if err != nil {
		return err
	}
	return h.Authorize(c.principal, action, loc.ProjectID, "")
}

func (h *Handler) createProvider(c *call, principalName string) (any, error) {
	n, err := h.providersParent(c, principalName, actionCreateProvider)
	if err != nil {
		return nil, err
	}
	var body wire.CreateWorkloadIdentityProviderBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	if err := iam.CheckProviderName(body.Name); err != nil {
		return nil, invalidArgument("%s", err.Error())
	}
	rn := iam.ProviderName(principalName, body.Name)
	cfg, err := providerConfig(rn, body.Provider)
	if err != nil {
		return nil, err
	}
	now := h.now()
	p := store.WorkloadIdentityProvider{ID: uuid.NewString(), Name: body.Name, CreatedAt: now, UpdatedAt: now}
	setConfig(&p, cfg)
	err = h.changeIdentities(c, func(tx *store.Tx) error {
		sp, err := servicePrincipalNamed(tx, n)
		if err != nil {
			return err
		}
		p.PrincipalID = sp.ID
		return insertProvider(tx, rn, &p)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"provider": renderProvider(principalName, &p)}, nil
}

// insertProvider stores a new provider unless its principal already has
// one of that name or has reached the bound.
func insertProvider(tx *store.Tx, rn string, p *store.WorkloadIdentityProvider) error {
	if _, err := tx.WorkloadIdentityProviderByName(p.PrincipalID, p.Name); err == nil {
		return registry.Errorf(codes.AlreadyExists, "workload identity provider %q already exists: choose another name, or update or delete it", rn)
	} else if !errors.Is(err, registry.ErrNotFound) {
		return err
	}
	existing, err := tx.WorkloadIdentityProvidersOf(p.PrincipalID)
	if err != nil {
		return err
	}
	if len(existing) >= workload.MaxPerPrincipal {
		return registry.Errorf(codes.FailedPrecondition, "service principal %q already has %d workload identity providers, the most localhcp keeps: delete one before creating %q",
			strings.TrimSuffix(rn, "/workload-identity-provider/"+p.Name), len(existing), p.Name)
	}
	return tx.PutWorkloadIdentityProvider(p)
}

func (h *Handler) getProvider(c *call, n iam.ParsedName, wipName string) (any, error) {
	if err := h.authorizeProviders(c, n, actionGetProvider); err != nil {
		return nil, err
	}
	var out map[string]any
	err := h.cfg.DB.ViewTx(c.ctx, func(tx *store.Tx) error {
		p, err := providerNamed(tx, n, wipName)
		if err == nil {
			out = map[string]any{"provider": renderProvider(iam.PrincipalName(n.Parent, n.Name), p)}
		}
		return err
	})
	return out, err
}

func (h *Handler) listProviders(c *call, principalName string) (any, error) {
	n, err := h.providersParent(c, principalName, actionListProviders)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	var all []wire.WorkloadIdentityProvider
	err = h.cfg.DB.ViewTx(c.ctx, func(tx *store.Tx) error {
		sp, err := servicePrincipalNamed(tx, n)
		if err != nil {
			return err
		}
		ps, err := tx.WorkloadIdentityProvidersOf(sp.ID)
		for i := range ps {
			all = append(all, renderProvider(principalName, &ps[i]))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return pageAnswer("providers", all, o)
}

func (h *Handler) updateProvider(c *call, n iam.ParsedName, wipName string) (any, error) {
	principalName := iam.PrincipalName(n.Parent, n.Name)
	if err := h.authorizeProviders(c, n, actionUpdateProvider); err != nil {
		return nil, err
	}
	var body wire.WorkloadIdentityProviderFields
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	cfg, err := providerConfig(iam.ProviderName(principalName, wipName), &body)
	if err != nil {
		return nil, err
	}
	var p *store.WorkloadIdentityProvider
	err = h.changeIdentities(c, func(tx *store.Tx) error {
		if p, err = providerNamed(tx, n, wipName); err != nil {
			return err
		}
		setConfig(p, cfg)
		p.UpdatedAt = h.now()
		return tx.PutWorkloadIdentityProvider(p)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"provider": renderProvider(principalName, p)}, nil
}

func (h *Handler) deleteProvider(c *call, n iam.ParsedName, wipName string) (any, error) {
	principalName := iam.PrincipalName(n.Parent, n.Name)
	if err := h.authorizeProviders(c, n, actionDeleteProvider); err != nil {
		return nil, err
	}
	var id string
	err := h.changeIdentities(c, func(tx *store.Tx) error {
		p, err := providerNamed(tx, n, wipName)
		if err != nil {
			return err
		}
		id = p.ID
		return tx.DeleteWorkloadIdentityProvider(p.ID)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"resource_id": id, "resource_name": iam.ProviderName(principalName, wipName)}, nil
}

// providerConfig checks the fields a client sets on a provider.
func providerConfig(rn string, f *wire.WorkloadIdentityProviderFields) (workload.Config, error) {
	if f == nil {
		return workload.Config{}, invalidArgument("workload identity provider %q: provider is required: give conditional_access and one of oidc_config or aws_config", truncateName(rn))
	}
	if (f.OIDCConfig == nil) == (f.AWSConfig == nil) {
		return workload.Config{}, invalidArgument("workload identity provider %q: give exactly one of oidc_config and aws_config", truncateName(rn))
	}
	cfg := workload.Config{Description: f.Description, ConditionalAccess: f.ConditionalAccess}
	if f.OIDCConfig != nil {
		cfg.IssuerURI, cfg.AllowedAudiences = f.OIDCConfig.IssuerURI, f.OIDCConfig.AllowedAudiences
	} else {
		cfg.AWSAccountID = f.AWSConfig.AccountID
	}
	if err := cfg.Check(f.AWSConfig != nil); err != nil {
		return workload.Config{}, invalidArgument("workload identity provider %q: %s", truncateName(rn), err.Error())
	}
	return cfg, nil
}

func setConfig(p *store.WorkloadIdentityProvider, cfg workload.Config) {
	p.Description, p.ConditionalAccess = cfg.Description, cfg.ConditionalAccess
	p.IssuerURI, p.AllowedAudiences, p.AWSAccountID = cfg.IssuerURI, cfg.AllowedAudiences, cfg.AWSAccountID
}

func providerNamed(tx *store.Tx, n iam.ParsedName, wipName string) (*store.WorkloadIdentityProvider, error) {
	sp, err := servicePrincipalNamed(tx, n)
	if err != nil {
		return nil, err
	}
	p, err := tx.WorkloadIdentityProviderByName(sp.ID, wipName)
	if errors.Is(err, registry.ErrNotFound) {
		rn := iam.ProviderName(iam.PrincipalName(n.Parent, n.Name), wipName)
		return nil, registry.Errorf(codes.NotFound, "workload identity provider %q not found: list the principal's providers (GET %s%s)", truncateName(rn), iam.PrincipalName(n.Parent, n.Name), providersSuffix)
	}
	return p, err
}

func renderProvider(principalName string, p *store.WorkloadIdentityProvider) wire.WorkloadIdentityProvider {
	out := wire.WorkloadIdentityProvider{
		ResourceName: iam.ProviderName(principalName, p.Name), ResourceID: p.ID,
		Description: p.Description, ConditionalAccess: p.ConditionalAccess,
		CreatedAt: wire.NewTime(p.CreatedAt), UpdatedAt: wire.NewTime(p.UpdatedAt),
	}
	if p.AWSAccountID != "" {
		out.AWSConfig = &wire.AWSConfig{AccountID: p.AWSAccountID}
	} else {
		audiences := p.AllowedAudiences
		if audiences == nil {
			audiences = []string{}
		}
		out.OIDCConfig = &wire.OIDCConfig{IssuerURI: p.IssuerURI, AllowedAudiences: audiences}
	}
	return out
}
