package registry

import (
	"errors"
	"net/url"
	"sort"
	"time"
)

// Ancestry statuses and types, as the API spells them.
const (
	AncestryUndetermined = "UNDETERMINED"
	AncestryUpToDate     = "UP_TO_DATE"
	AncestryOutOfDate    = "OUT_OF_DATE"

	AncestryTypeUnset    = "ANCESTRY_TYPE_UNSET"
	AncestryTypeParents  = "ANCESTRY_TYPE_PARENTS"
	AncestryTypeChildren = "ANCESTRY_TYPE_CHILDREN"
)

// AncestrySummary is the {href, status} pair on buckets and versions.
type AncestrySummary struct {
	Href   string
	Status string
}

// BucketView is a bucket as the API shows it.
type BucketView struct {
	Bucket
	Loc           Loc
	VersionCount  int64
	LatestVersion *VersionView
	Platforms     []string
	Parents       AncestrySummary
	Children      AncestrySummary
}

// ResourceName is the HCP resource name the official provider imports.
func (b *BucketView) ResourceName() string {
	return "packer/project/" + b.Loc.ProjectID + "/bucket/" + b.Name
}

// VersionView is a version as the API shows it, status derived at read time.
type VersionView struct {
	Version
	BucketName     string
	Status         string
	Builds         []Build
	HasDescendants bool
	Parents        AncestrySummary
	InheritedFrom  *RevokedAncestor
}

// RevokedAncestor names the version a revocation was inherited from.
type RevokedAncestor struct {
	BucketName  string
	Href        string
	Fingerprint string
	VersionID   string
	VersionName string
	// VersionNumber is the N of VersionName.
	VersionNumber int64
}

// ChannelView is a channel as the API shows it.
type ChannelView struct {
	Channel
	BucketName string
	Version    *VersionView
}

// AssignmentView is a history entry as the API shows it.
type AssignmentView struct {
	Assignment
	Version *VersionView
}

func bucketPath(loc Loc, bucket string) string {
	return "/packer/2023-01-01/organizations/" + loc.OrganizationID + "/projects/" + loc.ProjectID +
		"/buckets/" + url.PathEscape(bucket)
}

func ancestryHref(loc Loc, bucket, typ string) string {
	return bucketPath(loc, bucket) + "/ancestry?type=" + typ
}

func (s *Service) bucketView(tx Tx, loc Loc, b *Bucket, now time.Time) (*BucketView, error) {
	view := &BucketView{Bucket: *b, Loc: loc, Platforms: []string{}}
	n, err := tx.VersionCount(b.ID)
	if err != nil {
		return nil, err
	}
	view.VersionCount = n
	latest, err := tx.ChannelByName(b.ID, LatestChannel)
	if err != nil {
		return nil, err
	}
	parentRelations := []Relation{}
	if latest.VersionID != "" {
		v, err := tx.VersionByID(latest.VersionID)
		if err != nil {
			return nil, err
		}
		lv, err := s.versionView(tx, loc, b.Name, v, now)
		if err != nil {
			return nil, err
		}
		view.LatestVersion = lv
		seen := map[string]bool{}
		for _, build := range lv.Builds {
			if build.Platform != "" && !seen[build.Platform] {
				seen[build.Platform] = true
				view.Platforms = append(view.Platforms, build.Platform)
			}
		}
		sort.Strings(view.Platforms)
		parentRelations, err = s.parentRelations(tx, b.Name, lv)
		if err != nil {
			return nil, err
		}
	}
	children, err := s.childRelations(tx, b, "")
	if err != nil {
		return nil, err
	}
	view.Parents = AncestrySummary{Href: ancestryHref(loc, b.Name, AncestryTypeParents), Status: aggregateStatus(parentRelations)}
	view.Children = AncestrySummary{Href: ancestryHref(loc, b.Name, AncestryTypeChildren), Status: aggregateStatus(children)}
	return view, nil
}

func (s *Service) versionView(tx Tx, loc Loc, bucketName string, v *Version, now time.Time) (*VersionView, error) {
	builds, err := tx.Builds(v.ID)
	if err != nil {
		return nil, err
	}
	sortBuilds(builds)
	view := &VersionView{Version: *v, BucketName: bucketName, Builds: builds, Status: VersionStatus(v, builds, now)}
	if view.HasDescendants, err = tx.HasBuildsWithParent(v.ID); err != nil {
		return nil, err
	}
	relations, err := s.parentRelations(tx, bucketName, view)
	if err != nil {
		return nil, err
	}
	view.Parents = AncestrySummary{
		Href:   ancestryHref(loc, bucketName, AncestryTypeParents) + "&version_fingerprint=" + url.QueryEscape(v.Fingerprint),
		Status: aggregateStatus(relations),
	}
	if v.RevocationInheritedFrom != "" {
		anc, err := tx.VersionByID(v.RevocationInheritedFrom)
		switch {
		case errors.Is(err, ErrNotFound):
			// The ancestor was deleted after passing its revocation on; the
			// id is all that is left to show.
			view.InheritedFrom = &RevokedAncestor{VersionID: v.RevocationInheritedFrom}
		case err != nil:
			return nil, err
		default:
			ab, err := tx.BucketByID(anc.BucketID)
			if err != nil {
				return nil, err
			}
			view.InheritedFrom = &RevokedAncestor{
				BucketName:    ab.Name,
				Href:          bucketPath(loc, ab.Name) + "/versions/" + url.PathEscape(anc.Fingerprint),
				Fingerprint:   anc.Fingerprint,
				VersionID:     anc.ID,
				VersionName:   anc.Name(),
				VersionNumber: anc.Number,
			}
		}
	}
	return view, nil
}

func (s *Service) channelView(tx Tx, loc Loc, bucketName string, c *Channel, now time.Time) (*ChannelView, error) {
	view := &ChannelView{Channel: *c, BucketName: bucketName}
	if c.VersionID == "" {
		return view, nil
	}
	v, err := tx.VersionByID(c.VersionID)
	if err != nil {
		return nil, err
	}
	view.Version, err = s.versionView(tx, loc, bucketName, v, now)
	return view, err
}

func sortBuilds(builds []Build) {
	sort.SliceStable(builds, func(i, j int) bool {
		if !builds[i].CreatedAt.Equal(builds[j].CreatedAt) {
			return builds[i].CreatedAt.Before(builds[j].CreatedAt)
		}
		return builds[i].ID < builds[j].ID
	})
}
