package localhcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// LoadEnv returns the HCP_* variables for the first principal of role of
// the server running with data directory dir, reading the address it wrote
// and the credentials in its database. It is what `localhcp env` prints.
func LoadEnv(dir, role string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, StateFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no localhcp is running with data directory %s: start one with `localhcp serve --data %s`", dir, dir)
	}
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil || st.Address == "" {
		return nil, fmt.Errorf("%s is damaged: restart `localhcp serve --data %s`", filepath.Join(dir, StateFileName), dir)
	}
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
		return nil, fmt.Errorf("no localhcp database in %s: start `localhcp serve --data %s` first", dir, dir)
	}
	db, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var orgID, projectID string
	var principal *Principal
	err = db.ViewTx(context.Background(), func(tx *store.Tx) error {
		var err error
		if orgID, err = tx.Meta(metaOrgID); err != nil {
			return err
		}
		if projectID, err = tx.Meta(metaDefaultProject); err != nil {
			return err
		}
		ps, err := tx.Principals()
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Role == role {
				pp := Principal(p)
				principal = &pp
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, store.FileName), err)
	}
	if principal == nil {
		return nil, fmt.Errorf("localhcp in %s has no principal with role %q: configure one with --principals", dir, role)
	}
	return envFor(st.Address, orgID, projectID, *principal), nil
}
