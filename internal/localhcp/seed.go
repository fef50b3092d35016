package localhcp

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/httpapi"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Keys of the meta table.
const (
	metaOrgID          = "organization_id"
	metaOrgName        = "organization_name"
	metaOrgCreated     = "organization_created_at"
	metaDefaultProject = "default_project_id"
)

// seeded is what Start seeds or finds in the database.
type seeded struct {
	org              httpapi.Organization
	projects         []store.Project // oldest first
	defaultProjectID string
	principals       []store.Principal
}

// seed creates the organization, projects and principals on first start
// and reconciles them with opts on later starts.
func seed(tx *store.Tx, opts Options, now time.Time) (*seeded, error) {
	out := &seeded{}
	orgID, err := tx.Meta(metaOrgID)
	if err != nil {
		return nil, err
	}
	if orgID == "" {
		orgID = uuid.NewString()
		for k, v := range map[string]string{
			metaOrgID: orgID, metaOrgName: "localhcp", metaOrgCreated: now.UTC().Format(time.RFC3339Nano),
		} {
			if err := tx.SetMeta(k, v); err != nil {
				return nil, err
			}
		}
	}
	name, err := tx.Meta(metaOrgName)
	if err != nil {
		return nil, err
	}
	created, err := tx.Meta(metaOrgCreated)
	if err != nil {
		return nil, err
	}
	createdAt, _ := time.Parse(time.RFC3339Nano, created)
	out.org = httpapi.Organization{ID: orgID, Name: name, CreatedAt: createdAt.Truncate(time.Millisecond)}

	if err := seedProjects(tx, opts.Projects, now, out); err != nil {
		return nil, err
	}
	if err := seedPrincipals(tx, opts.Principals, now, out); err != nil {
		return nil, err
	}
	if err := seedWorkloadIdentity(tx, opts.WorkloadIdentity, now, out); err != nil {
		return nil, err
	}
	return out, nil
}

func seedProjects(tx *store.Tx, names []string, now time.Time, out *seeded) error {
	existing, err := tx.Projects()
	if err != nil {
		return err
	}
	if names == nil && len(existing) > 0 {
		out.projects = existing
		out.defaultProjectID = existing[0].ID
		return tx.SetMeta(metaDefaultProject, out.defaultProjectID)
	}
	if names == nil {
		names = []string{"default"}
	}
	byName := map[string]store.Project{}
	for _, p := range existing {
		byName[p.Name] = p
	}
	// Creation times one millisecond apart keep "the first is the oldest"
	// true for clients that pick the oldest project.
	base := now.UTC().Truncate(time.Millisecond)
	for i, n := range names {
		if n == "" {
			return fmt.Errorf("project names must not be empty")
		}
		p, ok := byName[n]
		if !ok {
			p = store.Project{ID: uuid.NewString(), Name: n, Description: "seeded by localhcp", CreatedAt: base.Add(time.Duration(i) * time.Millisecond)}
			if err := tx.InsertProject(&p); err != nil {
				return fmt.Errorf("create project %q: %w", n, err)
			}
			byName[n] = p
		}
		if i == 0 {
			out.defaultProjectID = p.ID
		}
	}
	if out.projects, err = tx.Projects(); err != nil {
		return err
	}
	return tx.SetMeta(metaDefaultProject, out.defaultProjectID)
}

func seedPrincipals(tx *store.Tx, configured []Principal, now time.Time, out *seeded) error {
	orgResource := iam.OrganizationResource(out.org.ID)
	existing, err := tx.Principals()
	if err != nil {
		return err
	}
	if configured == nil && len(existing) > 0 {
		out.principals = existing
		return nil
	}
	if configured == nil {
		configured = []Principal{
			{Name: "contributor", Role: httpapi.RoleContributor},
			{Name: "viewer", Role: httpapi.RoleViewer},
			{Name: "admin", Role: httpapi.RoleAdmin},
		}
	}
	seenClient := map[string]bool{}
	seenID := map[string]bool{}
	seenName := map[string]bool{}
	for _, p := range configured {
		switch p.Role {
		case httpapi.RoleViewer, httpapi.RoleContributor, httpapi.RoleAdmin:
		default:
			return fmt.Errorf("principal %q has role %q: use viewer, contributor or admin", p.Name, p.Role)
		}
		if p.Name == "" {
			p.Name = p.Role
		}
		if p.ID == "" {
			p.ID = iam.NewPrincipalID(p.Name)
		}
		if p.ClientID == "" {
			p.ClientID = iam.NewClientID()
		}
		if p.ClientSecret == "" {
			p.ClientSecret = iam.NewSecret()
		}
		if store.IsWorkloadClientID(p.ClientID) {
			return fmt.Errorf("principal %q has client id %q: the prefix %q marks tokens of workload identity providers, choose another", p.Name, p.ClientID, store.WorkloadClientID(""))
		}
		if seenClient[p.ClientID] {
			return fmt.Errorf("principal %q reuses client id %q: every principal needs its own", p.Name, p.ClientID)
		}
		if seenID[p.ID] {
			return fmt.Errorf("principal %q reuses id %q: every principal needs its own", p.Name, p.ID)
		}
		if seenName[p.Name] {
			return fmt.Errorf("principal name %q is used twice: every principal of the organization needs its own name", p.Name)
		}
		seenClient[p.ClientID], seenID[p.ID], seenName[p.Name] = true, true, true
		out.principals = append(out.principals, store.Principal(p))
	}
	return tx.ReplacePrincipals(orgResource, out.principals, now)
}
