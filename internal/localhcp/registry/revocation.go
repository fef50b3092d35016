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

// revoke records r as v's own revocation and re-derives the revocation in
// force on v and its descendants (CONTRACT.md §9.9), then applies whatever is
// already due.
func (s *Service) revoke(tx Tx, b *Bucket, v *Version, r revocationRequest, now time.Time) error {
	if !v.Complete() {
		return precondition("version %s of bucket %q is incomplete: only complete versions can be revoked", v.Fingerprint, b.Name)
	}
	v.Own = &OwnRevocation{
		At: r.At, Message: r.Message, Author: r.Author, RollbackDisabled: r.DisableRollback,
		Descendants: !r.SkipDescendants, RequestedAt: now,
	}
	refuseChannels := r.DisableRollback && !r.At.After(now)
	return s.rederive(tx, v, now, r.Author, refuseChannels)
}

// restore clears v's own revocation and whatever it inherited, and lets
// its descendants fall back to what they would have without v's
// revocation: their own, or another ancestor's.
func (s *Service) restore(tx Tx, v *Version, now time.Time, author string) error {
	if v.RevokeAt == nil && v.Own == nil {
		return nil // restoring a valid version is a no-op, so retries are safe
	}
	v.Own, v.RestoredAt = nil, now
	// Cleared first, so that not even a revocation inherited from an
	// ancestor deleted since (see orphanedInheritance) survives.
	setInForce(v, nil, now)
	return s.rederive(tx, v, now, author, false)
}

// rederive stores root (whose own revocation or completion just changed)
// and recomputes the revocation in force on it and every descendant, then
// applies what is due and recomputes `latest` wherever that can have moved,
// root's bucket always. With refuseChannels, a version that becomes revoked
// at once while a user channel points at it fails the request
// (disable_rollback_channels).
func (s *Service) rederive(tx Tx, root *Version, now time.Time, author string, refuseChannels bool) error {
	desc, err := descendants(tx, root.ID)
	if err != nil {
		return err
	}
	family := []*Version{root}
	for i := range desc {
		family = append(family, &desc[i])
	}
	buckets := map[string]bool{root.BucketID: true}
	for i, v := range family {
		inForce, err := revocationInForce(tx, v)
		if err != nil {
			return err
		}
		wasRevoked := v.RevokedAt(now)
		changed := setInForce(v, inForce, now)
		if !changed && i > 0 {
			continue
		}
		if refuseChannels && !wasRevoked && v.RevokedAt(now) {
			if err := refuseIfOnChannel(tx, v); err != nil {
				return err
			}
		}
		// The root is stored even when its revocation in force stays: its
		// own revocation or completion is what changed.
		v.UpdatedAt = now
		if err := tx.UpdateVersion(v); err != nil {
			return err
		}
		if changed {
			buckets[v.BucketID] = true
		}
	}
	if err := s.applyDueRevocations(tx, now, author); err != nil {
		return err
	}
	return s.refreshLatestOf(tx, buckets, now, author)
}

func refuseIfOnChannel(tx Tx, v *Version) error {
	channels, err := userChannelsOn(tx, v.ID)
	if err != nil || len(channels) == 0 {
		return err
	}
	return precondition("version %s (%s) is assigned to channel %s: an immediate revocation with disable_rollback_channels cannot leave a channel on a revoked version; allow the rollback, reassign the channel first, or schedule the revocation", v.Fingerprint, v.Name(), channelNames(channels))
}

// inForce is the revocation a version is subject to and where it comes
// from: the version itself (from == "") or the ancestor with id from.
type inForce struct {
	rev  OwnRevocation
	from string
}

// revocationInForce derives the revocation a version is subject to: the
// earliest of its own and those its ancestors pass on to descendants, its
// own winning a tie, so a descendant is never revoked later than an
// ancestor that revokes its descendants. Ancestors' revocations requested
// before the version was last restored do not count, and incomplete
// versions are never revoked: they inherit when they complete.
func revocationInForce(tx Tx, v *Version) (*inForce, error) {
	if !v.Complete() {
		return nil, nil
	}
	var best *inForce
	if v.Own != nil {
		best = &inForce{rev: *v.Own}
	}
	consider := func(from string, r OwnRevocation) {
		if best == nil || r.At.Before(best.rev.At) {
			best = &inForce{rev: r, from: from}
		}
	}
	ancestors, err := ancestors(tx, v)
	if err != nil {
		return nil, err
	}
	if kept := orphanedInheritance(v, ancestors); kept != nil {
		consider(v.RevocationInheritedFrom, *kept)
	}
	for _, a := range ancestors {
		if a.Own != nil && a.Own.Descendants && a.Own.RequestedAt.After(v.RestoredAt) {
			consider(a.ID, *a.Own)
		}
	}
	return best, nil
}

// orphanedInheritance returns the revocation v inherited from a version that
// is no longer among its ancestors: deleted, or reached only through a
// version or build deleted since. There is nothing left to derive it from,
// so it is kept as it was until v is restored (CONTRACT.md §9.9).
func orphanedInheritance(v *Version, ancestors []Version) *OwnRevocation {
	if v.RevocationType != RevocationInherited || v.RevokeAt == nil {
		return nil
	}
	for _, a := range ancestors {
		if a.ID == v.RevocationInheritedFrom {
			return nil
		}
	}
	return &OwnRevocation{At: *v.RevokeAt, Message: v.RevocationMessage, Author: v.RevocationAuthor,
		RollbackDisabled: v.RollbackDisabled}
}

// setInForce writes f into v's revocation fields and reports whether they
// changed. A revocation whose instant is unchanged keeps its channel
// effects as applied.
func setInForce(v *Version, f *inForce, now time.Time) bool {
	var at *time.Time
	var typ, from, message, author string
	var rollbackDisabled bool
	if f != nil {
		t := f.rev.At
		at, from, message, author, rollbackDisabled = &t, f.from, f.rev.Message, f.rev.Author, f.rev.RollbackDisabled
		typ = RevocationManual
		if from != "" {
			typ = RevocationInherited
		}
	}
	sameInstant := (at == nil) == (v.RevokeAt == nil) && (at == nil || at.Equal(*v.RevokeAt))
	if sameInstant && v.RevocationType == typ && v.RevocationInheritedFrom == from && v.RevocationMessage == message &&
		v.RevocationAuthor == author && v.RollbackDisabled == rollbackDisabled {
		return false
	}
	if !sameInstant || at == nil {
		v.RevocationApplied = false
	}
	v.RevokeAt, v.RevocationType, v.RevocationInheritedFrom = at, typ, from
	v.RevocationMessage, v.RevocationAuthor, v.RollbackDisabled = message, author, rollbackDisabled
	v.UpdatedAt = now
	return true
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

// ancestors lists every version v was built on, directly or
// transitively, across buckets, nearest first. Parents that no longer exist
// are skipped.
func ancestors(tx Tx, v *Version) ([]Version, error) {
	seen := map[string]bool{v.ID: true}
	queue := []string{v.ID}
	var out []Version
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		builds, err := tx.Builds(id)
		if err != nil {
			return nil, err
		}
		parents := make([]string, 0, len(builds))
		for _, b := range builds {
			if b.ParentVersionID != "" && !seen[b.ParentVersionID] {
				seen[b.ParentVersionID] = true
				parents = append(parents, b.ParentVersionID)
			}
		}
		sort.Strings(parents)
		for _, pid := range parents {
			p, err := tx.VersionByID(pid)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, *p)
			queue = append(queue, p.ID)
		}
	}
	return out, nil
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
