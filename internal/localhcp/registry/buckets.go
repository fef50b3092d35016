package registry

import (
	"context"
	"maps"
	"time"
)

// BucketInput is CreateBucket's and UpdateBucket's input.
type BucketInput struct {
	Name        string
	Description string
	Labels      map[string]string
}

// CreateBucket creates a bucket with its managed `latest` channel.
func (s *Service) CreateBucket(ctx context.Context, loc Loc, author string, in BucketInput) (*BucketView, error) {
	if err := ValidateBucketName(in.Name); err != nil {
		return nil, err
	}
	if err := ValidateDescription(in.Description); err != nil {
		return nil, err
	}
	if err := ValidateLabels("labels", in.Labels); err != nil {
		return nil, err
	}
	var out *BucketView
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		if _, err := s.activeRegistry(tx, loc); err != nil {
			return err
		}
		if _, err := tx.BucketByName(loc.ProjectID, in.Name); err == nil {
			return exists("bucket %q already exists in project %s: choose another name or update the existing bucket", in.Name, loc.ProjectID)
		} else if !isNotFound(err) {
			return err
		}
		b := &Bucket{
			ID: s.NewID(), ProjectID: loc.ProjectID, Name: in.Name, Description: in.Description,
			Labels: cloneLabels(in.Labels), CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.InsertBucket(b); err != nil {
			return err
		}
		latest := &Channel{
			ID: s.NewID(), BucketID: b.ID, Name: LatestChannel, AuthorID: author,
			Managed: true, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.InsertChannel(latest); err != nil {
			return err
		}
		var err error
		out, err = s.bucketView(tx, loc, b, now)
		return err
	})
	return out, err
}

// GetBucket returns one bucket.
func (s *Service) GetBucket(ctx context.Context, loc Loc, name string) (*BucketView, error) {
	var out *BucketView
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, name)
		if err != nil {
			return err
		}
		out, err = s.bucketView(tx, loc, b, now)
		return err
	})
	return out, err
}

// ListBuckets lists a project's buckets, by name unless told otherwise.
func (s *Service) ListBuckets(ctx context.Context, loc Loc, o ListOptions) ([]*BucketView, PageInfo, error) {
	var out []*BucketView
	var info PageInfo
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		if _, err := s.activeRegistry(tx, loc); err != nil {
			return err
		}
		all, err := tx.Buckets(loc.ProjectID)
		if err != nil {
			return err
		}
		err = sortBy(all, o.OrderBy, []orderTerm{{field: "name"}}, func(b *Bucket) sortKeys {
			return sortKeys{name: b.Name, created: b.CreatedAt, updated: b.UpdatedAt, id: b.ID}
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
			v, err := s.bucketView(tx, loc, &page[i], now)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, info, err
}

// UpdateBucket replaces the description and labels with what is sent.
func (s *Service) UpdateBucket(ctx context.Context, loc Loc, in BucketInput) (*BucketView, error) {
	if err := ValidateDescription(in.Description); err != nil {
		return nil, err
	}
	if err := ValidateLabels("labels", in.Labels); err != nil {
		return nil, err
	}
	var out *BucketView
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, in.Name)
		if err != nil {
			return err
		}
		b.Description, b.Labels, b.UpdatedAt = in.Description, cloneLabels(in.Labels), now
		if err := tx.UpdateBucket(b); err != nil {
			return err
		}
		out, err = s.bucketView(tx, loc, b, now)
		return err
	})
	return out, err
}

// DeleteBucket removes a bucket and everything in it.
func (s *Service) DeleteBucket(ctx context.Context, loc Loc, name string) error {
	return s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, name)
		if err != nil {
			return err
		}
		return tx.DeleteBucket(b.ID)
	})
}

// activeRegistry refuses Packer calls in a project whose registry is gone
// or deactivated, as HCP does.
func (s *Service) activeRegistry(tx Tx, loc Loc) (*Registry, error) {
	r, err := tx.Registry(loc.ProjectID)
	if isNotFound(err) {
		return nil, notFound("project %s has no HCP Packer registry: create one with CreateRegistry", loc.ProjectID)
	}
	if err != nil {
		return nil, err
	}
	if !r.Activated {
		return nil, precondition("the HCP Packer registry of project %s is deactivated: activate it with UpdateRegistry", loc.ProjectID)
	}
	return r, nil
}

func (s *Service) bucket(tx Tx, loc Loc, name string) (*Bucket, error) {
	if _, err := s.activeRegistry(tx, loc); err != nil {
		return nil, err
	}
	b, err := tx.BucketByName(loc.ProjectID, name)
	if isNotFound(err) {
		return nil, notFound("bucket %s not found in project %s: check the name or create the bucket", quoteShort(name), loc.ProjectID)
	}
	return b, err
}

func (s *Service) version(tx Tx, b *Bucket, fingerprint string) (*Version, error) {
	v, err := tx.VersionByFingerprint(b.ID, fingerprint)
	if isNotFound(err) {
		return nil, notFound("version with fingerprint (fingerprint: %s) does not exist in bucket %q", fingerprint, b.Name)
	}
	return v, err
}

func (s *Service) channel(tx Tx, b *Bucket, name string) (*Channel, error) {
	c, err := tx.ChannelByName(b.ID, name)
	if isNotFound(err) {
		return nil, notFound("channel %s not found in bucket %q: check the name or create the channel", quoteShort(name), b.Name)
	}
	return c, err
}

func cloneLabels(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	maps.Copy(out, in)
	return out
}
