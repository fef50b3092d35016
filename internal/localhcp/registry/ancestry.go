package registry

import (
	"context"
	"errors"
	"sort"
	"time"
)

// Relation is one parent→child edge between versions: the child's build
// named the parent as its base image.
type Relation struct {
	Status string
	Parent RelationParent
	Child  RelationChild
}

// RelationParent is the parent side of a Relation. ChannelName and
// ChannelVersion are empty when the build recorded no channel or the
// channel is gone.
type RelationParent struct {
	BucketName         string
	ChannelName        string
	ChannelVersion     *VersionRef
	VersionFingerprint string
	VersionID          string
	VersionName        string
}

// VersionRef identifies a version by fingerprint, id and name.
type VersionRef struct {
	Fingerprint string
	ID          string
	Name        string
}

// RelationChild is the child side of a Relation.
type RelationChild struct {
	BucketName         string
	VersionFingerprint string
	VersionID          string
	VersionName        string
}

// AncestryQuery is ListBucketAncestry's input.
type AncestryQuery struct {
	Type        string // AncestryType*; "" means both
	Fingerprint string // whose parents; "" means the bucket's latest version
	ChannelName string // children built from this channel only
	List        ListOptions
}

// ListAncestry lists the parent and/or child relations of a bucket.
func (s *Service) ListAncestry(ctx context.Context, loc Loc, bucketName string, q AncestryQuery) ([]Relation, int, PageInfo, error) {
	var out []Relation
	wantParents, wantChildren := true, true
	switch q.Type {
	case "", AncestryTypeUnset:
	case AncestryTypeParents:
		wantChildren = false
	case AncestryTypeChildren:
		wantParents = false
	default:
		return nil, 0, PageInfo{}, invalid("type %s is invalid: use ANCESTRY_TYPE_PARENTS, ANCESTRY_TYPE_CHILDREN or ANCESTRY_TYPE_UNSET", quoteShort(q.Type))
	}
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		if wantParents {
			var v *Version
			if q.Fingerprint != "" {
				v, err = s.version(tx, b, q.Fingerprint)
				if err != nil {
					return err
				}
			} else {
				latest, err := tx.ChannelByName(b.ID, LatestChannel)
				if err != nil {
					return err
				}
				if latest.VersionID != "" {
					if v, err = tx.VersionByID(latest.VersionID); err != nil {
						return err
					}
				}
			}
			if v != nil {
				vv, err := s.versionView(tx, loc, b.Name, v, now)
				if err != nil {
					return err
				}
				rels, err := s.parentRelations(tx, b.Name, vv)
				if err != nil {
					return err
				}
				out = append(out, rels...)
			}
		}
		if wantChildren {
			channelID := ""
			if q.ChannelName != "" {
				ch, err := s.channel(tx, b, q.ChannelName)
				if err != nil {
					return err
				}
				channelID = ch.ID
			}
			rels, err := s.childRelations(tx, b, channelID)
			if err != nil {
				return err
			}
			out = append(out, rels...)
		}
		return nil
	})
	if err != nil {
		return nil, 0, PageInfo{}, err
	}
	page, info, err := Paginate(out, q.List)
	return page, len(out), info, err
}

// parentRelations lists the relations of child to the versions its builds
// were based on, one per distinct parent version and channel.
func (s *Service) parentRelations(tx Tx, childBucket string, child *VersionView) ([]Relation, error) {
	rels := []Relation{}
	seen := map[[2]string]bool{}
	for _, b := range child.Builds {
		if b.ParentVersionID == "" {
			continue
		}
		key := [2]string{b.ParentVersionID, b.ParentChannelID}
		if seen[key] {
			continue
		}
		seen[key] = true
		parent, status, err := describeParent(tx, b.ParentVersionID, b.ParentChannelID)
		if err != nil {
			return nil, err
		}
		rels = append(rels, Relation{
			Status: status,
			Parent: parent,
			Child: RelationChild{
				BucketName:         childBucket,
				VersionFingerprint: child.Fingerprint,
				VersionID:          child.ID,
				VersionName:        child.Name(),
			},
		})
	}
	sort.SliceStable(rels, func(i, j int) bool {
		if rels[i].Parent.BucketName != rels[j].Parent.BucketName {
			return rels[i].Parent.BucketName < rels[j].Parent.BucketName
		}
		return rels[i].Parent.VersionID < rels[j].Parent.VersionID
	})
	return rels, nil
}

// childRelations lists the versions of other buckets built on a version of
// b. Without a channel filter only each child bucket's latest version
// counts; with one, every child built from that channel does.
func (s *Service) childRelations(tx Tx, b *Bucket, channelID string) ([]Relation, error) {
	builds, err := tx.BuildsWithParentIn(b.ID)
	if err != nil {
		return nil, err
	}
	rels := []Relation{}
	seen := map[[3]string]bool{}
	for _, build := range builds {
		if channelID != "" && build.ParentChannelID != channelID {
			continue
		}
		key := [3]string{build.VersionID, build.ParentVersionID, build.ParentChannelID}
		if seen[key] {
			continue
		}
		seen[key] = true
		child, err := tx.VersionByID(build.VersionID)
		if err != nil {
			return nil, err
		}
		childBucket, err := tx.BucketByID(child.BucketID)
		if err != nil {
			return nil, err
		}
		if channelID == "" {
			latest, err := tx.ChannelByName(childBucket.ID, LatestChannel)
			if err != nil {
				return nil, err
			}
			if latest.VersionID != child.ID {
				continue
			}
		}
		parent, status, err := describeParent(tx, build.ParentVersionID, build.ParentChannelID)
		if err != nil {
			return nil, err
		}
		rels = append(rels, Relation{
			Status: status,
			Parent: parent,
			Child: RelationChild{
				BucketName:         childBucket.Name,
				VersionFingerprint: child.Fingerprint,
				VersionID:          child.ID,
				VersionName:        child.Name(),
			},
		})
	}
	sort.SliceStable(rels, func(i, j int) bool {
		if rels[i].Child.BucketName != rels[j].Child.BucketName {
			return rels[i].Child.BucketName < rels[j].Child.BucketName
		}
		return rels[i].Child.VersionID < rels[j].Child.VersionID
	})
	return rels, nil
}

// describeParent resolves a recorded parent and the relation's status:
// UNDETERMINED without a channel, with a vanished channel or an untracked
// parent; UP_TO_DATE while the channel still points at the parent;
// OUT_OF_DATE otherwise.
func describeParent(tx Tx, versionID, channelID string) (RelationParent, string, error) {
	p := RelationParent{VersionID: versionID}
	v, err := tx.VersionByID(versionID)
	if errors.Is(err, ErrNotFound) {
		return p, AncestryUndetermined, nil
	}
	if err != nil {
		return p, "", err
	}
	pb, err := tx.BucketByID(v.BucketID)
	if err != nil {
		return p, "", err
	}
	p.BucketName, p.VersionFingerprint, p.VersionName = pb.Name, v.Fingerprint, v.Name()
	if channelID == "" {
		return p, AncestryUndetermined, nil
	}
	ch, err := tx.ChannelByID(channelID)
	if errors.Is(err, ErrNotFound) {
		return p, AncestryUndetermined, nil
	}
	if err != nil {
		return p, "", err
	}
	p.ChannelName = ch.Name
	if ch.VersionID != "" {
		cv, err := tx.VersionByID(ch.VersionID)
		if err != nil {
			return p, "", err
		}
		p.ChannelVersion = &VersionRef{Fingerprint: cv.Fingerprint, ID: cv.ID, Name: cv.Name()}
	}
	if ch.VersionID == versionID {
		return p, AncestryUpToDate, nil
	}
	return p, AncestryOutOfDate, nil
}

// aggregateStatus summarises relations: OUT_OF_DATE if any is, else
// UP_TO_DATE if any is, else UNDETERMINED.
func aggregateStatus(rels []Relation) string {
	status := AncestryUndetermined
	for _, r := range rels {
		switch r.Status {
		case AncestryOutOfDate:
			return AncestryOutOfDate
		case AncestryUpToDate:
			status = AncestryUpToDate
		}
	}
	return status
}
