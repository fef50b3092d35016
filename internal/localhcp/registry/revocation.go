package registry

import (
	"sort"
	"time"
)

type revocationRequest struct {
	At              time.Time
	Message         string
	Author          string
	SkipDescendants bool
	DisableRollback bool
}

// revoke records a revocation on v and, unless told to skip them, on its
// descendants (versions built on it, transitively), then applies whatever
// is already due. Descendants keep an earlier revocation of their own.
func (s *Service) revoke(tx Tx, b *Bucket, v *Version, r revocationRequest, now time.Time) error {
	if !v.Complete() {
		return precondition("version %s of bucket %q is incomplete: only complete versions can be revoked", v.Fingerprint, b.Name)
	}
	affected := []*Version{v}
	if !r.SkipDescendants {
		desc, err := descendants(tx, v.ID)
		if err != nil {
			return err
		}
		for i := range desc {
			d := &desc[i]
			if d.RevokeAt != nil && !d.RevokeAt.After(r.At) {
				continue
			}
			affected = append(affected, d)
		}
	}
	immediate := !r.At.After(now)
	if immediate && r.DisableRollback {
		for _, a := range affected {
			channels, err := userChannelsOn(tx, a.ID)
			if err != nil {
				return err
			}
			if len(channels) > 0 {
				return precondition("version %s (%s) is assigned to channel %s: an immediate revocation with disable_rollback_channels cannot leave a channel on a revoked version; allow the rollback, reassign the channel first, or schedule the revocation", a.Fingerprint, a.Name(), channelNames(channels))
			}
		}
	}
	for i, a := range affected {
		a.RevokeAt = &r.At
		a.RevocationMessage = r.Message
		a.RevocationAuthor = r.Author
		a.RollbackDisabled = r.DisableRollback
		a.RevocationApplied = false
		a.RevocationType, a.RevocationInheritedFrom = RevocationManual, ""
		if i > 0 {
			a.RevocationType, a.RevocationInheritedFrom = RevocationInherited, v.ID
		}
		a.UpdatedAt = now
		if err := tx.UpdateVersion(a); err != nil {
			return err
		}
	}
	return s.applyDueRevocations(tx, now, r.Author)
}

// restore clears v's revocation and every revocation its descendants
// inherited from it.
func (s *Service) restore(tx Tx, v *Version, now time.Time, author string) error {
	if v.RevokeAt == nil {
		return nil // restoring a valid version is a no-op, so retries are safe
	}
	affected := []*Version{v}
	desc, err := descendants(tx, v.ID)
	if err != nil {
		return err
	}
	for i := range desc {
		if desc[i].RevocationInheritedFrom == v.ID {
			affected = append(affected, &desc[i])
		}
	}
	buckets := map[string]bool{}
	for _, a := range affected {
		a.RevokeAt = nil
		a.RevocationMessage, a.RevocationAuthor, a.RevocationType, a.RevocationInheritedFrom = "", "", "", ""
		a.RollbackDisabled, a.RevocationApplied = false, false
		a.UpdatedAt = now
		if err := tx.UpdateVersion(a); err != nil {
			return err
		}
		buckets[a.BucketID] = true
	}
	return s.refreshLatestOf(tx, buckets, now, author)
}

// applyDueRevocations gives every revocation that has taken effect by now
// its channel effects, once: user channels on the version roll back (unless
// the revocation disabled that) and `latest` moves off it. Scheduled
// revocations reach this lazily, on the first request after their time.
func (s *Service) applyDueRevocations(tx Tx, now time.Time, author string) error {
	due, err := tx.DueRevocations(now)
	if err != nil || len(due) == 0 {
		return err
	}
	revoked := map[string]bool{}
	for _, v := range due {
		revoked[v.ID] = true
	}
	buckets := map[string]bool{}
	for i := range due {
		v := &due[i]
		who := author
		if who == "" {
			who = v.RevocationAuthor
		}
		if !v.RollbackDisabled {
			channels, err := userChannelsOn(tx, v.ID)
			if err != nil {
				return err
			}
			for j := range channels {
				if err := s.rollBack(tx, &channels[j], revoked, now, who); err != nil {
					return err
				}
			}
		}
		v.RevocationApplied = true
		if err := tx.UpdateVersion(v); err != nil {
			return err
		}
		buckets[v.BucketID] = true
	}
	return s.refreshLatestOf(tx, buckets, now, author)
}

// rollBack points a channel at the most recent version in its history that
// is still valid and not in bad, or unassigns it when there is none.
func (s *Service) rollBack(tx Tx, c *Channel, bad map[string]bool, now time.Time, author string) error {
	history, err := tx.Assignments(c.ID)
	if err != nil {
		return err
	}
	target := ""
	for _, a := range history {
		if a.VersionID == "" || a.VersionID == c.VersionID || bad[a.VersionID] {
			continue
		}
		v, err := tx.VersionByID(a.VersionID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if v.Complete() && !v.RevokedAt(now) {
			target = v.ID
			break
		}
	}
	return s.assign(tx, c, target, now, author)
}

func (s *Service) refreshLatestOf(tx Tx, buckets map[string]bool, now time.Time, author string) error {
	ids := make([]string, 0, len(buckets))
	for id := range buckets {
		ids = append(ids, id)
	}
	sort.Strings(ids) // a stable order keeps history timestamps reproducible
	for _, id := range ids {
		if err := s.refreshLatest(tx, id, now, author); err != nil {
			return err
		}
	}
	return nil
}

// descendants lists every version built, directly or transitively, on the
// version with id root, across buckets.
func descendants(tx Tx, root string) ([]Version, error) {
	seen := map[string]bool{root: true}
	queue := []string{root}
	var out []Version
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		builds, err := tx.BuildsWithParent(id)
		if err != nil {
			return nil, err
		}
		for _, b := range builds {
			if seen[b.VersionID] {
				continue
			}
			seen[b.VersionID] = true
			v, err := tx.VersionByID(b.VersionID)
			if err != nil {
				return nil, err
			}
			out = append(out, *v)
			queue = append(queue, v.ID)
		}
	}
	return out, nil
}
