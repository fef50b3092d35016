package registry

import (
	"context"
	"sort"
	"strings"
	"time"
)

// ChannelInput is CreateChannel's input; an empty VersionFingerprint
// creates an unassigned channel.
type ChannelInput struct {
	Name               string
	Restricted         bool
	VersionFingerprint string
}

// ChannelUpdate is UpdateChannel's input. Mask decides what changes, never
// field presence: a masked field that was not sent means its zero value.
type ChannelUpdate struct {
	Mask               string // comma-separated: versionFingerprint, restricted
	VersionFingerprint string
	Restricted         bool
}

// CreateChannel creates a user channel, optionally assigned.
func (s *Service) CreateChannel(ctx context.Context, loc Loc, author, bucketName string, in ChannelInput) (*ChannelView, error) {
	if err := ValidateChannelName(in.Name); err != nil {
		return nil, err
	}
	var out *ChannelView
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		if _, err := tx.ChannelByName(b.ID, in.Name); err == nil {
			return exists("channel %q already exists in bucket %q: update it instead", in.Name, b.Name)
		} else if !isNotFound(err) {
			return err
		}
		c := &Channel{
			ID: s.NewID(), BucketID: b.ID, Name: in.Name, AuthorID: author,
			Restricted: in.Restricted, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.InsertChannel(c); err != nil {
			return err
		}
		if in.VersionFingerprint != "" {
			v, err := s.version(tx, b, in.VersionFingerprint)
			if err != nil {
				return err
			}
			if err := assignable(v, b.Name, now); err != nil {
				return err
			}
			if err := s.assign(tx, c, v.ID, now, author); err != nil {
				return err
			}
		}
		out, err = s.channelView(tx, loc, b.Name, c, now)
		return err
	})
	return out, err
}

// GetChannel returns one channel with its version.
func (s *Service) GetChannel(ctx context.Context, loc Loc, bucketName, name string) (*ChannelView, error) {
	var out *ChannelView
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		c, err := s.channel(tx, b, name)
		if err != nil {
			return err
		}
		out, err = s.channelView(tx, loc, b.Name, c, now)
		return err
	})
	return out, err
}

// ListChannels lists every channel of a bucket, `latest` included, by name.
func (s *Service) ListChannels(ctx context.Context, loc Loc, bucketName string) ([]*ChannelView, error) {
	var out []*ChannelView
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		all, err := tx.Channels(b.ID)
		if err != nil {
			return err
		}
		sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
		for i := range all {
			cv, err := s.channelView(tx, loc, b.Name, &all[i], now)
			if err != nil {
				return err
			}
			out = append(out, cv)
		}
		return nil
	})
	return out, err
}

// UpdateChannel changes what the mask names: the assignment, the
// restricted flag, or both. `latest` accepts only restricted.
func (s *Service) UpdateChannel(ctx context.Context, loc Loc, author, bucketName, name string, u ChannelUpdate) (*ChannelView, error) {
	setVersion, setRestricted, err := parseChannelMask(u.Mask)
	if err != nil {
		return nil, err
	}
	var out *ChannelView
	err = s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		c, err := s.channel(tx, b, name)
		if err != nil {
			return err
		}
		if setVersion && c.Managed {
			return precondition("channel %q of bucket %q is managed by HCP Packer and always points at the newest valid version: assign to a channel of your own", c.Name, b.Name)
		}
		if setRestricted && c.Restricted != u.Restricted {
			c.Restricted, c.UpdatedAt, c.AuthorID = u.Restricted, now, author
			if err := tx.UpdateChannel(c); err != nil {
				return err
			}
		}
		if setVersion {
			target := ""
			if u.VersionFingerprint != "" {
				v, err := s.version(tx, b, u.VersionFingerprint)
				if err != nil {
					return err
				}
				if err := assignable(v, b.Name, now); err != nil {
					return err
				}
				target = v.ID
			}
			if target != c.VersionID {
				if err := s.assign(tx, c, target, now, author); err != nil {
					return err
				}
			}
		}
		out, err = s.channelView(tx, loc, b.Name, c, now)
		return err
	})
	return out, err
}

func parseChannelMask(mask string) (setVersion, setRestricted bool, err error) {
	for _, part := range strings.Split(mask, ",") {
		switch strings.TrimSpace(part) {
		case "versionFingerprint", "version_fingerprint":
			setVersion = true
		case "restricted":
			setRestricted = true
		default:
			return false, false, invalid("update_mask %s is invalid: use versionFingerprint, restricted, or both separated by a comma", quoteShort(mask))
		}
	}
	return setVersion, setRestricted, nil
}

// DeleteChannel removes a user channel and its history.
func (s *Service) DeleteChannel(ctx context.Context, loc Loc, bucketName, name string) error {
	return s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		c, err := s.channel(tx, b, name)
		if err != nil {
			return err
		}
		if c.Managed {
			return precondition("channel %q of bucket %q is managed by HCP Packer and cannot be deleted", c.Name, b.Name)
		}
		return tx.DeleteChannel(c.ID)
	})
}

// AssignResult is AssignChannelVersion's answer.
type AssignResult struct {
	Fingerprint string
	Source      *ChannelView
	Target      *ChannelView
	Version     *VersionView
}

// AssignChannelVersion points target at the version source points at, under
// the usual assignment rules; target must not be managed.
func (s *Service) AssignChannelVersion(ctx context.Context, loc Loc, author, bucketName, source, target string) (*AssignResult, error) {
	if source == "" || target == "" {
		return nil, invalid("source_channel and target_channel are both required")
	}
	var out *AssignResult
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		src, err := s.channel(tx, b, source)
		if err != nil {
			return err
		}
		dst, err := s.channel(tx, b, target)
		if err != nil {
			return err
		}
		if dst.Managed {
			return precondition("channel %q of bucket %q is managed by HCP Packer: choose a channel of your own as target_channel", dst.Name, b.Name)
		}
		if src.VersionID == "" {
			return precondition("source channel %q of bucket %q has no version to copy: assign it first", src.Name, b.Name)
		}
		v, err := tx.VersionByID(src.VersionID)
		if err != nil {
			return err
		}
		if err := assignable(v, b.Name, now); err != nil {
			return err
		}
		if dst.VersionID != v.ID {
			if err := s.assign(tx, dst, v.ID, now, author); err != nil {
				return err
			}
		}
		out = &AssignResult{Fingerprint: v.Fingerprint}
		if out.Source, err = s.channelView(tx, loc, b.Name, src, now); err != nil {
			return err
		}
		if out.Target, err = s.channelView(tx, loc, b.Name, dst, now); err != nil {
			return err
		}
		out.Version = out.Target.Version
		return nil
	})
	return out, err
}

// ListChannelHistory lists a channel's assignments, newest first, and the
// total count.
func (s *Service) ListChannelHistory(ctx context.Context, loc Loc, bucketName, name string, o ListOptions) ([]*AssignmentView, int, PageInfo, error) {
	var out []*AssignmentView
	var total int
	var info PageInfo
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		c, err := s.channel(tx, b, name)
		if err != nil {
			return err
		}
		all, err := tx.Assignments(c.ID)
		if err != nil {
			return err
		}
		total = len(all)
		page, pi, err := Paginate(all, o)
		if err != nil {
			return err
		}
		info = pi
		versions := map[string]*VersionView{}
		for _, a := range page {
			av := &AssignmentView{Assignment: a}
			if a.VersionID != "" {
				vv, ok := versions[a.VersionID]
				if !ok {
					v, err := tx.VersionByID(a.VersionID)
					if err != nil {
						return err
					}
					if vv, err = s.versionView(tx, loc, b.Name, v, now); err != nil {
						return err
					}
					versions[a.VersionID] = vv
				}
				av.Version = vv
			}
			out = append(out, av)
		}
		return nil
	})
	return out, total, info, err
}
