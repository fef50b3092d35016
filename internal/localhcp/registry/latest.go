package registry

import (
	"strings"
	"time"
)

// refreshLatest points the bucket's managed `latest` channel at the newest
// complete version that is not revoked at now (a scheduled revocation keeps
// its place), or unassigns it, and records the move in its history.
func (s *Service) refreshLatest(tx Tx, bucketID string, now time.Time, author string) error {
	latest, err := tx.ChannelByName(bucketID, LatestChannel)
	if err != nil {
		return err
	}
	// One indexed row, not the bucket's every version: a publish into a
	// bucket of thousands of versions must not read them all.
	want, err := tx.NewestValidVersion(bucketID, now)
	if err != nil && !isNotFound(err) {
		return err
	}
	wantID := ""
	if want != nil {
		wantID = want.ID
	}
	if latest.VersionID == wantID {
		return nil
	}
	return s.assign(tx, latest, wantID, now, author)
}

// assign points a channel at versionID ("" unassigns) and appends the
// history entry.
func (s *Service) assign(tx Tx, c *Channel, versionID string, now time.Time, author string) error {
	c.VersionID, c.UpdatedAt = versionID, now
	if author != "" {
		c.AuthorID = author
	}
	if err := tx.UpdateChannel(c); err != nil {
		return err
	}
	return tx.AppendAssignment(&Assignment{ChannelID: c.ID, VersionID: versionID, AuthorID: author, AssignedAt: now})
}

// userChannelsOn lists the channels other than `latest` that point at a
// version.
func userChannelsOn(tx Tx, versionID string) ([]Channel, error) {
	all, err := tx.ChannelsOnVersion(versionID)
	if err != nil {
		return nil, err
	}
	var out []Channel
	for _, c := range all {
		if !c.Managed {
			out = append(out, c)
		}
	}
	return out, nil
}

func channelNames(cs []Channel) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = "\"" + c.Name + "\""
	}
	return strings.Join(names, ", ")
}
