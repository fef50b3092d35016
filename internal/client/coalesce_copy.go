package client

import (
	"maps"
	"slices"
	"time"
)

// Deep copies of the API types, so that the answers Coalesce caches are
// never shared with a caller that might change them. A copy keeps nil as
// nil, because nil means something in these types (an unassigned channel,
// a version that is not revoked).

func cloneBucketPtr(b *Bucket) *Bucket {
	if b == nil {
		return nil
	}
	dup := cloneBucket(*b)
	return &dup
}

func cloneBucket(b Bucket) Bucket {
	b.Labels = maps.Clone(b.Labels)
	b.Platforms = slices.Clone(b.Platforms)
	b.LatestVersion = cloneVersionPtr(b.LatestVersion)
	return b
}

func cloneBuckets(bs []Bucket) []Bucket {
	if bs == nil {
		return nil
	}
	out := make([]Bucket, len(bs))
	for i, b := range bs {
		out[i] = cloneBucket(b)
	}
	return out
}

func cloneVersionPtr(v *Version) *Version {
	if v == nil {
		return nil
	}
	dup := cloneVersion(*v)
	return &dup
}

func cloneVersion(v Version) Version {
	if v.Builds != nil {
		builds := make([]Build, len(v.Builds))
		for i, b := range v.Builds {
			builds[i] = cloneBuild(b)
		}
		v.Builds = builds
	}
	v.RevokeAt = cloneTime(v.RevokeAt)
	if v.RevocationInheritedFrom != nil {
		from := *v.RevocationInheritedFrom
		v.RevocationInheritedFrom = &from
	}
	return v
}

func cloneVersions(vs []Version) []Version {
	if vs == nil {
		return nil
	}
	out := make([]Version, len(vs))
	for i, v := range vs {
		out[i] = cloneVersion(v)
	}
	return out
}

func cloneBuild(b Build) Build {
	b.Labels = maps.Clone(b.Labels)
	b.Artifacts = slices.Clone(b.Artifacts) // Artifact holds only values
	return b
}

func cloneChannelPtr(c *Channel) *Channel {
	if c == nil {
		return nil
	}
	dup := cloneChannel(*c)
	return &dup
}

func cloneChannel(c Channel) Channel {
	c.Version = cloneVersionPtr(c.Version)
	return c
}

func cloneChannels(cs []Channel) []Channel {
	if cs == nil {
		return nil
	}
	out := make([]Channel, len(cs))
	for i, c := range cs {
		out[i] = cloneChannel(c)
	}
	return out
}

func cloneHistory(hs []ChannelAssignment) []ChannelAssignment {
	if hs == nil {
		return nil
	}
	out := make([]ChannelAssignment, len(hs))
	for i, h := range hs {
		h.Version = cloneVersionPtr(h.Version)
		out[i] = h
	}
	return out
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	dup := *t
	return &dup
}
