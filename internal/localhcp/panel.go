package localhcp

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/panel"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// newPanel builds the web panel over the service the API uses.
func (s *Server) newPanel(svc *registry.Service) *panel.Panel {
	return panel.New(panel.Config{
		Service: svc, DB: s.db, OrganizationID: s.seeded.org.ID, Projects: s.seeded.projects,
		Principals: s.seeded.principals, Credentials: s.handler, Now: s.opts.Now, Logger: s.opts.Logger,
	})
}

// PanelURL is the web panel's address.
func (s *Server) PanelURL() string { return s.URL() + panel.Prefix }

// PanelLoginLink returns a one-time link that signs a browser into the web
// panel as the first principal of role. It is usable once, for
// panel.LoginLinkTTL, and replaces any link not used yet.
func (s *Server) PanelLoginLink(role string) (string, error) {
	p := s.Principal(role)
	if p.ID == "" {
		return "", fmt.Errorf("localhcp has no principal with role %q: configure one with --principals", role)
	}
	return panel.NewLoginLink(context.Background(), s.db, s.URL(), p.ID, s.opts.Now())
}

// LoadPanelLoginLink returns a one-time web panel login link for the first
// principal of role of the server running with data directory dir, like
// Server.PanelLoginLink; `localhcp env --panel-link` prints it. It waits for
// the server as LoadEnv does. The link is recorded in the database, where the
// running server finds it.
func LoadPanelLoginLink(ctx context.Context, dir, role string, wait time.Duration) (string, error) {
	env, err := LoadEnv(ctx, dir, role, wait) // checks the server, its database and the principal
	if err != nil {
		return "", err
	}
	addr, clientID := envValue(env, "HCP_API_ADDRESS"), envValue(env, "HCP_CLIENT_ID")
	db, err := store.Open(dir)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var principalID string
	err = db.ViewTx(ctx, func(tx *store.Tx) error {
		ps, err := tx.Principals()
		for _, p := range ps {
			if p.ClientID == clientID {
				principalID = p.ID
			}
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Join(dir, store.FileName), err)
	}
	return panel.NewLoginLink(ctx, db, "https://"+addr, principalID, time.Now())
}

// envValue is the value of key in "KEY=value" entries.
func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}
