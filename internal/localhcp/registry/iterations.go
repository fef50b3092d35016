package registry

import (
	"context"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
)

// IterationRef names a version the way the Packer 2021-04-30 API does: by id,
// by fingerprint or by its number (the N of vN). When several are set, the
// first in that order decides (CONTRACT.md §6.9).
type IterationRef struct {
	ID          string
	Fingerprint string
	Number      int64
}

// IsZero reports whether the reference names nothing.
func (r IterationRef) IsZero() bool { return r.ID == "" && r.Fingerprint == "" && r.Number == 0 }

func (r IterationRef) String() string {
	switch {
	case r.ID != "":
		return "id " + quoteShort(r.ID)
	case r.Fingerprint != "":
		return "fingerprint " + quoteShort(r.Fingerprint)
	default:
		return "incremental_version " + strconv.FormatInt(r.Number, 10)
	}
}

// ResolveVersion returns the fingerprint of the version of a bucket that
// ref names, or NotFound.
func (s *Service) ResolveVersion(ctx context.Context, loc Loc, bucketName string, ref IterationRef) (string, error) {
	if ref.IsZero() {
		return "", invalid("no iteration named: set iteration_id, fingerprint or incremental_version")
	}
	var fp string
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		v, err := versionByRef(tx, b, ref)
		if err != nil {
			return err
		}
		fp = v.Fingerprint
		return nil
	})
	return fp, err
}

// GetIteration returns the version ref names, like GetVersion, and like it
// answers Aborted when the bucket has no such version: Packer's 2021-04-30
// client creates an iteration only after that code.
func (s *Service) GetIteration(ctx context.Context, loc Loc, bucketName string, ref IterationRef) (*VersionView, error) {
	if ref.IsZero() {
		return nil, invalid("no iteration named: set iteration_id, fingerprint or incremental_version")
	}
	var out *VersionView
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		v, err := versionByRef(tx, b, ref)
		if CodeOf(err) == codes.NotFound {
			return Errorf(codes.Aborted, "%s", err.Error())
		}
		if err != nil {
			return err
		}
		out, err = s.versionView(tx, loc, b.Name, v, now)
		return err
	})
	return out, err
}

func versionByRef(tx Tx, b *Bucket, ref IterationRef) (*Version, error) {
	missing := notFound("iteration with %s does not exist in bucket %q", ref, b.Name)
	switch {
	case ref.ID != "":
		v, err := tx.VersionByID(ref.ID)
		if isNotFound(err) || err == nil && v.BucketID != b.ID {
			return nil, missing
		}
		return v, err
	case ref.Fingerprint != "":
		v, err := tx.VersionByFingerprint(b.ID, ref.Fingerprint)
		if isNotFound(err) {
			return nil, missing
		}
		return v, err
	}
	all, err := tx.Versions(b.ID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Number == ref.Number {
			return &all[i], nil
		}
	}
	return nil, missing
}

// FindBuild returns a build of the project by its id alone, with the name
// of its bucket, as 2021-04-30's GetBuild addresses it.
func (s *Service) FindBuild(ctx context.Context, loc Loc, buildID string) (*Build, string, error) {
	var out *Build
	var bucketName string
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		if _, err := s.activeRegistry(tx, loc); err != nil {
			return err
		}
		missing := notFound("build %s not found in project %s", quoteShort(buildID), loc.ProjectID)
		build, err := tx.Build(buildID)
		if isNotFound(err) {
			return missing
		}
		if err != nil {
			return err
		}
		v, err := tx.VersionByID(build.VersionID)
		if err != nil {
			return err
		}
		b, err := tx.BucketByID(v.BucketID)
		if err != nil {
			return err
		}
		if b.ProjectID != loc.ProjectID {
			return missing
		}
		out, bucketName = build, b.Name
		return nil
	})
	return out, bucketName, err
}
