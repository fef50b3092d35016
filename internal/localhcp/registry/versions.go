package registry

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
)

// CreateVersion starts a version ("v0", running) for a fingerprint.
func (s *Service) CreateVersion(ctx context.Context, loc Loc, author, bucketName, fingerprint, templateType string) (*VersionView, error) {
	if err := ValidateFingerprint(fingerprint); err != nil {
		return nil, err
	}
	switch templateType {
	case "":
		templateType = TemplateTypeUnset
	case TemplateTypeUnset, TemplateHCL2, TemplateJSON:
	default:
		return nil, invalid("template_type %s is invalid: use HCL2, JSON or TEMPLATE_TYPE_UNSET", quoteShort(templateType))
	}
	var out *VersionView
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		if _, err := tx.VersionByFingerprint(b.ID, fingerprint); err == nil {
			return exists("version with fingerprint %s already exists in bucket %q: use another fingerprint or continue that version", fingerprint, b.Name)
		} else if !isNotFound(err) {
			return err
		}
		v := &Version{
			ID: s.NewID(), BucketID: b.ID, Fingerprint: fingerprint, AuthorID: author,
			TemplateType: templateType, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.InsertVersion(v); err != nil {
			return err
		}
		b.UpdatedAt = now
		if err := tx.UpdateBucket(b); err != nil {
			return err
		}
		out, err = s.versionView(tx, loc, b.Name, v, now)
		return err
	})
	return out, err
}

// GetVersion returns one version. A missing fingerprint is Aborted, not
// NotFound: Packer creates the version only on that code (CONTRACT.md §4.3).
func (s *Service) GetVersion(ctx context.Context, loc Loc, bucketName, fingerprint string) (*VersionView, error) {
	var out *VersionView
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		v, err := tx.VersionByFingerprint(b.ID, fingerprint)
		if isNotFound(err) {
			return Errorf(codes.Aborted, "version with fingerprint (fingerprint: %s) does not exist in bucket %q", fingerprint, b.Name)
		}
		if err != nil {
			return err
		}
		out, err = s.versionView(tx, loc, b.Name, v, now)
		return err
	})
	return out, err
}

// ListVersions lists a bucket's versions, newest first unless told otherwise.
func (s *Service) ListVersions(ctx context.Context, loc Loc, bucketName string, o ListOptions) ([]*VersionView, PageInfo, error) {
	var out []*VersionView
	var info PageInfo
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		all, err := tx.Versions(b.ID)
		if err != nil {
			return err
		}
		err = sortBy(all, o.OrderBy, []orderTerm{{field: "created_at", desc: true}}, func(v *Version) sortKeys {
			return sortKeys{name: v.Name(), created: v.CreatedAt, updated: v.UpdatedAt, id: v.ID}
		})
		if err != nil {
			return err
		}
		page, pi, err := Paginate(all, o)
		if err != nil {
			return err
		}
		info = pi
		for i := range page {
			vv, err := s.versionView(tx, loc, b.Name, &page[i], now)
			if err != nil {
				return err
			}
			out = append(out, vv)
		}
		return nil
	})
	return out, info, err
}

// VersionUpdate is UpdateVersion's input. RevokeAt nil and RevokeIn ""
// mean "no revocation requested".
type VersionUpdate struct {
	Complete                  bool
	RevokeAt                  *time.Time
	RevokeIn                  string
	RevocationMessage         string
	SkipDescendantsRevocation bool
	DisableRollbackChannels   bool
	Restore                   bool
}

// UpdateVersion completes, revokes (now or later) or restores a version and
// records the operation that did it.
func (s *Service) UpdateVersion(ctx context.Context, loc Loc, author, bucketName, fingerprint string, u VersionUpdate) (*VersionView, *Operation, error) {
	revoking := u.RevokeAt != nil || u.RevokeIn != ""
	switch {
	case u.RevokeAt != nil && u.RevokeIn != "":
		return nil, nil, invalid("revoke_at and revoke_in are both set: send only one")
	case u.Restore && revoking:
		return nil, nil, invalid("restore cannot be combined with revoke_at or revoke_in: restore first, then revoke again")
	case !u.Complete && !revoking && !u.Restore:
		return nil, nil, invalid("nothing to update: set complete, revoke_at, revoke_in or restore")
	}
	var revokeIn time.Duration
	if u.RevokeIn != "" {
		d, err := ParseRevokeIn(u.RevokeIn)
		if err != nil {
			return nil, nil, err
		}
		revokeIn = d
	}
	var out *VersionView
	var op *Operation
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		v, err := s.version(tx, b, fingerprint)
		if err != nil {
			return err
		}
		if v.RevokedAt(now) && !u.Restore {
			return precondition("version %s (%s) of bucket %q is revoked: restore it before updating it", v.Fingerprint, v.Name(), b.Name)
		}
		if u.Complete {
			if err := s.completeOnRequest(tx, b, v, now, author); err != nil {
				return err
			}
		}
		switch {
		case revoking:
			at := now.Add(revokeIn)
			if u.RevokeAt != nil {
				at = u.RevokeAt.UTC().Truncate(time.Millisecond)
			}
			err = s.revoke(tx, b, v, revocationRequest{
				At: at, Message: u.RevocationMessage, Author: author,
				SkipDescendants: u.SkipDescendantsRevocation, DisableRollback: u.DisableRollbackChannels,
			}, now)
		case u.Restore:
			err = s.restore(tx, v, now, author)
		}
		if err != nil {
			return err
		}
		if v, err = tx.VersionByID(v.ID); err != nil {
			return err
		}
		if out, err = s.versionView(tx, loc, b.Name, v, now); err != nil {
			return err
		}
		op = &Operation{
			ID: s.NewID(), OrganizationID: loc.OrganizationID, ProjectID: loc.ProjectID,
			LinkType: "hashicorp.packer.version", LinkID: v.ID,
			Description: "update version " + v.Fingerprint + " of bucket " + b.Name, CreatedAt: now,
		}
		return tx.InsertOperation(op)
	})
	return out, op, err
}

// completeOnRequest handles complete:true: a no-op on a complete version,
// completion when every build is done, a refusal otherwise.
func (s *Service) completeOnRequest(tx Tx, b *Bucket, v *Version, now time.Time, author string) error {
	if v.Complete() {
		return nil
	}
	builds, err := tx.Builds(v.ID)
	if err != nil {
		return err
	}
	if !allBuildsDone(builds) {
		return precondition("version %s of bucket %q cannot complete: it needs at least one build and every build must be BUILD_DONE", v.Fingerprint, b.Name)
	}
	return s.complete(tx, b, v, now, author)
}

// complete names the version vN, where N follows completion order in the
// bucket and is never reused.
func (s *Service) complete(tx Tx, b *Bucket, v *Version, now time.Time, author string) error {
	b.LastVersionNumber++
	b.UpdatedAt = now
	if err := tx.UpdateBucket(b); err != nil {
		return err
	}
	v.Number = b.LastVersionNumber
	v.UpdatedAt = now
	// A complete version inherits what its ancestors pass on, including
	// revocations requested while it was being built (CONTRACT.md §9.9);
	// rederive also lets `latest` follow it.
	return s.rederive(tx, v, now, author, false)
}

// DeleteVersion removes a version and its builds. Channels pointing at it
// roll back when rollbackChannels is set; otherwise they block the delete.
func (s *Service) DeleteVersion(ctx context.Context, loc Loc, author, bucketName, fingerprint string, rollbackChannels bool) error {
	return s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		v, err := s.version(tx, b, fingerprint)
		if err != nil {
			return err
		}
		channels, err := userChannelsOn(tx, v.ID)
		if err != nil {
			return err
		}
		if len(channels) > 0 && !rollbackChannels {
			return precondition("version %s of bucket %q is assigned to channel %s: unassign it first or delete with rollback_channels=true", v.Fingerprint, b.Name, channelNames(channels))
		}
		for i := range channels {
			if err := s.rollBack(tx, &channels[i], map[string]bool{v.ID: true}, now, author); err != nil {
				return err
			}
		}
		if err := tx.DeleteVersion(v.ID); err != nil {
			return err
		}
		b.UpdatedAt = now
		if err := tx.UpdateBucket(b); err != nil {
			return err
		}
		return s.refreshLatest(tx, b.ID, now, author)
	})
}
