package registry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sort"
	"strings"
	"time"
)

// Registry feature tiers, as the API spells them.
const (
	TierStandard = "STANDARD"
	TierPlus     = "PLUS"
)

// EnsureRegistry provisions an activated PLUS registry for a project that
// has none; localhcp does this for every seeded project at start.
func (s *Service) EnsureRegistry(ctx context.Context, projectID string) error {
	return s.write(ctx, func(tx Tx, now time.Time) error {
		if _, err := tx.Registry(projectID); !isNotFound(err) {
			return err
		}
		return tx.PutRegistry(s.newRegistry(projectID, TierPlus, now))
	})
}

func (s *Service) newRegistry(projectID, tier string, now time.Time) *Registry {
	return &Registry{
		ID: s.NewID(), ProjectID: projectID, Activated: true, Tier: tier,
		HMACKey: newHMACKey(), CreatedAt: now, UpdatedAt: now,
	}
}

// GetRegistry returns a project's registry.
func (s *Service) GetRegistry(ctx context.Context, loc Loc) (*Registry, error) {
	var out *Registry
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		var err error
		out, err = registryOf(tx, loc)
		return err
	})
	return out, err
}

// CreateRegistry provisions a registry in a project that has none.
func (s *Service) CreateRegistry(ctx context.Context, loc Loc, tier string) (*Registry, *Operation, error) {
	tier, err := validTier(tier, TierPlus)
	if err != nil {
		return nil, nil, err
	}
	var out *Registry
	var op *Operation
	err = s.write(ctx, func(tx Tx, now time.Time) error {
		if _, err := tx.Registry(loc.ProjectID); err == nil {
			return exists("project %s already has an HCP Packer registry", loc.ProjectID)
		} else if !isNotFound(err) {
			return err
		}
		out = s.newRegistry(loc.ProjectID, tier, now)
		if err := tx.PutRegistry(out); err != nil {
			return err
		}
		op, err = s.recordOperation(tx, loc, out.ID, "create registry", now)
		return err
	})
	return out, op, err
}

// RegistryUpdate is UpdateRegistry's input; Mask names what changes
// (featureTier, activated or config.activated).
type RegistryUpdate struct {
	Mask      string
	Tier      string
	Activated bool
}

// UpdateRegistry changes a registry's tier and/or activation.
func (s *Service) UpdateRegistry(ctx context.Context, loc Loc, u RegistryUpdate) (*Registry, *Operation, error) {
	var setTier, setActivated bool
	for _, part := range strings.Split(u.Mask, ",") {
		switch strings.TrimSpace(part) {
		case "featureTier", "feature_tier", "config.featureTier", "config.feature_tier":
			setTier = true
		case "activated", "config.activated":
			setActivated = true
		default:
			return nil, nil, invalid("update_mask %s is invalid: use featureTier, activated or config.activated", quoteShort(u.Mask))
		}
	}
	tier := ""
	if setTier {
		var err error
		if tier, err = validTier(u.Tier, ""); err != nil {
			return nil, nil, err
		}
	}
	var out *Registry
	var op *Operation
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		r, err := registryOf(tx, loc)
		if err != nil {
			return err
		}
		if setTier {
			r.Tier = tier
		}
		if setActivated {
			r.Activated = u.Activated
		}
		r.UpdatedAt = now
		if err := tx.PutRegistry(r); err != nil {
			return err
		}
		out = r
		op, err = s.recordOperation(tx, loc, r.ID, "update registry", now)
		return err
	})
	return out, op, err
}

// DeleteRegistry removes a project's registry; its buckets stay stored but
// unreachable until a registry is created again.
func (s *Service) DeleteRegistry(ctx context.Context, loc Loc) (*Registry, *Operation, error) {
	var out *Registry
	var op *Operation
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		r, err := registryOf(tx, loc)
		if err != nil {
			return err
		}
		if err := tx.DeleteRegistry(loc.ProjectID); err != nil {
			return err
		}
		out = r
		op, err = s.recordOperation(tx, loc, r.ID, "delete registry", now)
		return err
	})
	return out, op, err
}

// RunTaskHMACKey returns the registry's run-task HMAC key, rotating it first
// when regenerate is set.
func (s *Service) RunTaskHMACKey(ctx context.Context, loc Loc, regenerate bool) (string, error) {
	var key string
	fn := func(tx Tx, now time.Time) error {
		r, err := s.activeRegistry(tx, loc)
		if err != nil {
			return err
		}
		if regenerate {
			r.HMACKey, r.UpdatedAt = newHMACKey(), now
			if err := tx.PutRegistry(r); err != nil {
				return err
			}
		}
		key = r.HMACKey
		return nil
	}
	var err error
	if regenerate {
		err = s.write(ctx, fn)
	} else {
		err = s.read(ctx, fn)
	}
	return key, err
}

// CheckBucket succeeds when the bucket exists (enforced blocks and similar
// per-bucket reads that have nothing else to show).
func (s *Service) CheckBucket(ctx context.Context, loc Loc, bucketName string) error {
	return s.read(ctx, func(tx Tx, now time.Time) error {
		_, err := s.bucket(tx, loc, bucketName)
		return err
	})
}

// GetOperation returns a recorded operation of the project.
func (s *Service) GetOperation(ctx context.Context, loc Loc, id string) (*Operation, error) {
	var out *Operation
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		op, err := tx.Operation(id)
		if isNotFound(err) || (err == nil && (op.ProjectID != loc.ProjectID || op.OrganizationID != loc.OrganizationID)) {
			return notFound("operation %s not found in project %s", quoteShort(id), loc.ProjectID)
		}
		out = op
		return err
	})
	return out, err
}

// ListOperations lists a project's operations, newest first.
func (s *Service) ListOperations(ctx context.Context, loc Loc, o ListOptions) ([]Operation, PageInfo, error) {
	var out []Operation
	var info PageInfo
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		all, err := tx.Operations(loc.ProjectID)
		if err != nil {
			return err
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].ID > all[j].ID })
		out, info, err = Paginate(all, o)
		return err
	})
	return out, info, err
}

func (s *Service) recordOperation(tx Tx, loc Loc, linkID, description string, now time.Time) (*Operation, error) {
	op := &Operation{
		ID: s.NewID(), OrganizationID: loc.OrganizationID, ProjectID: loc.ProjectID,
		LinkType: "hashicorp.packer.registry", LinkID: linkID, Description: description, CreatedAt: now,
	}
	return op, tx.InsertOperation(op)
}

func registryOf(tx Tx, loc Loc) (*Registry, error) {
	r, err := tx.Registry(loc.ProjectID)
	if isNotFound(err) {
		return nil, notFound("project %s has no HCP Packer registry: create one with CreateRegistry", loc.ProjectID)
	}
	return r, err
}

func validTier(tier, def string) (string, error) {
	switch tier {
	case TierStandard, TierPlus:
		return tier, nil
	case "", "UNSET":
		if def != "" {
			return def, nil
		}
	}
	return "", invalid("feature_tier %s is invalid: use STANDARD or PLUS", quoteShort(tier))
}

func newHMACKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
