package registry

import (
	"context"
	"sort"
	"time"
)

// ListSBOMs lists the SBOMs uploaded for a build, by name, without their
// content.
func (s *Service) ListSBOMs(ctx context.Context, loc Loc, bucketName, fingerprint, buildID string) ([]SBOM, error) {
	var out []SBOM
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		if _, _, _, err := s.build(tx, loc, bucketName, fingerprint, buildID); err != nil {
			return err
		}
		all, err := tx.SBOMs(buildID)
		if err != nil {
			return err
		}
		sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
		for _, sb := range all {
			sb.Content = nil
			out = append(out, sb)
		}
		return nil
	})
	return out, err
}

// GetSBOM returns one SBOM of a build, by name, without its content.
func (s *Service) GetSBOM(ctx context.Context, loc Loc, bucketName, fingerprint, buildID, name string) (*SBOM, error) {
	var out *SBOM
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		_, v, build, err := s.build(tx, loc, bucketName, fingerprint, buildID)
		if err != nil {
			return err
		}
		sb, err := tx.SBOMByName(build.ID, name)
		if isNotFound(err) {
			return notFound("SBOM %s not found for build %s of version %s in bucket %q: list the build's SBOMs for their names",
				quoteShort(name), build.ID, v.Fingerprint, bucketName)
		}
		if err != nil {
			return err
		}
		sb.Content = nil
		out = sb
		return nil
	})
	return out, err
}

// SBOMContent returns an SBOM with its content by id, wherever it is: the
// caller has already proved it may read it (a signed download link).
func (s *Service) SBOMContent(ctx context.Context, id string) (*SBOM, error) {
	var out *SBOM
	err := s.store.View(ctx, func(tx Tx) error {
		sb, err := tx.SBOMByID(id)
		if isNotFound(err) {
			return notFound("SBOM %s no longer exists: it was replaced or deleted; ask GetSbom for a new link", quoteShort(id))
		}
		out = sb
		return err
	})
	return out, err
}
