package provider

// The one lookup core behind hcppacker_iteration, hcppacker_image,
// hcppacker_version and hcppacker_artifact: pick a version by channel,
// fingerprint or id, refuse incomplete versions, apply reject_revoked, and
// pick exactly one artifact of a version by platform, region, component type
// and labels. The four data sources are thin schemas over this file; they
// differ only in the attribute names they show the user (lookupTerms).

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// registryReader is the part of client.API the lookups read through, so
// lookup tests can substitute it. Identical lookups of one operation are
// coalesced below it, by the client.Coalesce that Configure wraps around
// the client.
type registryReader interface {
	GetBucket(ctx context.Context, loc client.Location, name string) (*client.Bucket, error)
	GetChannel(ctx context.Context, loc client.Location, bucket, name string) (*client.Channel, error)
	GetVersion(ctx context.Context, loc client.Location, bucket, fingerprint string) (*client.Version, error)
	ListVersions(ctx context.Context, loc client.Location, bucket string) ([]client.Version, error)
}

// registryReader returns what the data sources read the registry through.
func (pd *providerData) registryReader() registryReader { return pd.client }

// lookupTerms are the attribute names one data source uses for the lookup
// keys, so that diagnostics speak the vocabulary of the user's config and
// point at the attribute to fix. An empty name means the data source has no
// such attribute.
type lookupTerms struct {
	Bucket        string
	Channel       string
	Fingerprint   string
	ID            string
	Platform      string
	Region        string
	ComponentType string
	Labels        string
}

var (
	// termsIteration is the 2022 vocabulary of hcp_packer_iteration.
	termsIteration = lookupTerms{Bucket: "bucket_name", Channel: "channel"}
	// termsImage is the 2022 vocabulary of hcp_packer_image.
	termsImage = lookupTerms{
		Bucket: "bucket_name", Channel: "channel", Fingerprint: "fingerprint", ID: "iteration_id",
		Platform: "cloud_provider", Region: "region", ComponentType: "component_type",
	}
	// termsVersion is today's vocabulary of hcp_packer_version.
	termsVersion = lookupTerms{Bucket: "bucket_name", Channel: "channel_name", Fingerprint: "fingerprint", ID: "id"}
	// termsArtifact is today's vocabulary of hcp_packer_artifact.
	termsArtifact = lookupTerms{
		Bucket: "bucket_name", Channel: "channel_name", Fingerprint: "version_fingerprint", ID: "version_id",
		Platform: "platform", Region: "region", ComponentType: "component_type", Labels: "labels",
	}
)

// versionQuery names one version: exactly one of Channel, Fingerprint and ID
// is set (the data sources' ExactlyOneOf validators guarantee it).
type versionQuery struct {
	Location    client.Location
	Bucket      string
	Channel     string
	Fingerprint string
	ID          string
}

// artifactQuery narrows a version's artifacts down to one. ComponentType and
// Labels are optional filters; Labels must be a subset of the build's labels.
type artifactQuery struct {
	Platform      string
	Region        string
	ComponentType string
	Labels        map[string]string
}

// artifactChoice is the artifact a lookup picked, with the build that made it.
type artifactChoice struct {
	Build    client.Build
	Artifact client.Artifact
}

// lookupError is a failure the user can fix, found by a lookup or by a
// resource checking what it refers to. Attribute names the attribute at
// fault ("" when none is), so the diagnostic points at the config line.
type lookupError struct {
	Attribute string
	Summary   string
	Detail    string
}

func (e *lookupError) Error() string { return e.Summary + ": " + e.Detail }

// addLookupError turns a lookupError into a diagnostic; any other error is a
// bug in the provider.
func addLookupError(diags *diag.Diagnostics, err error) {
	var le *lookupError
	if !errors.As(err, &le) {
		diags.AddError("Unexpected Lookup Failure",
			fmt.Sprintf("%s. This is a bug in the provider, please report it.", err))
		return
	}
	if le.Attribute != "" {
		diags.AddAttributeError(path.Root(le.Attribute), le.Summary, le.Detail)
		return
	}
	diags.AddError(le.Summary, le.Detail)
}

// versionLookup resolves versions and artifacts for one data source.
type versionLookup struct {
	reader registryReader
	terms  lookupTerms
}

func newVersionLookup(reader registryReader, terms lookupTerms) versionLookup {
	return versionLookup{reader: reader, terms: terms}
}

// resolve finds the version q names and applies the revocation policy: with
// reject set, an effective revocation is an error and a scheduled one a
// warning. The version is returned whenever diags has no error.
func (l versionLookup) resolve(ctx context.Context, q versionQuery, reject bool, now time.Time) (*client.Version, diag.Diagnostics) {
	var diags diag.Diagnostics
	v, err := l.find(ctx, q)
	if err != nil {
		addLookupError(&diags, err)
		return nil, diags
	}
	if !reject {
		return v, diags
	}
	if err := l.rejectRevoked(q, v, now); err != nil {
		addLookupError(&diags, err)
		return nil, diags
	}
	if v.RevocationScheduled(now) {
		diags.AddWarning("Version Revocation Scheduled",
			fmt.Sprintf("%s will be revoked at %s. From then on this lookup fails because reject_revoked is true; "+
				"point the lookup at a valid version before then, or restore this one.",
				l.describeVersion(q, v), revocationDetails(v)))
	}
	return v, diags
}

// resolveArtifact resolves the version like resolve, then picks the one
// artifact aq describes.
func (l versionLookup) resolveArtifact(ctx context.Context, q versionQuery, aq artifactQuery, reject bool, now time.Time) (*client.Version, artifactChoice, diag.Diagnostics) {
	v, diags := l.resolve(ctx, q, reject, now)
	if diags.HasError() {
		return nil, artifactChoice{}, diags
	}
	choice, err := l.selectArtifact(q, v, aq)
	if err != nil {
		addLookupError(&diags, err)
		return nil, artifactChoice{}, diags
	}
	return v, choice, diags
}

// find returns the complete version q names.
func (l versionLookup) find(ctx context.Context, q versionQuery) (*client.Version, error) {
	ctx = tflog.SetField(ctx, "bucket_name", q.Bucket)
	var (
		v   *client.Version
		err error
	)
	switch {
	case q.Channel != "":
		tflog.Debug(ctx, "Looking up the version assigned to a channel", map[string]any{"channel": q.Channel})
		v, err = l.byChannel(ctx, q)
	case q.Fingerprint != "":
		tflog.Debug(ctx, "Looking up a version by fingerprint", map[string]any{"fingerprint": q.Fingerprint})
		v, err = l.byFingerprint(ctx, q)
	case q.ID != "":
		tflog.Debug(ctx, "Looking up a version by id", map[string]any{"version_id": q.ID})
		v, err = l.byID(ctx, q)
	default:
		return nil, &lookupError{
			Summary: "Missing Version Lookup Key",
			Detail:  "None of " + l.keyList() + " is set. This is a bug in the provider, please report it.",
		}
	}
	if err != nil {
		return nil, err
	}
	if !v.Complete() {
		return nil, versionNotComplete(l.describeVersion(q, v), v, "", "look up a complete version", l.keyAttribute(q))
	}
	return v, nil
}

func (l versionLookup) byChannel(ctx context.Context, q versionQuery) (*client.Version, error) {
	ch, err := l.reader.GetChannel(ctx, q.Location, q.Bucket, q.Channel)
	if client.IsNotFound(err) {
		return nil, l.missing(ctx, q, &lookupError{
			Attribute: l.terms.Channel,
			Summary:   "Channel Not Found",
			Detail: fmt.Sprintf("Bucket %q has no channel %q. Check %s (channel names are case-sensitive), "+
				"or create the channel with the hcppacker_channel resource.", q.Bucket, q.Channel, l.terms.Channel),
		})
	}
	if err != nil {
		return nil, registryCallError(err, "Channel", fmt.Sprintf("channel %q of bucket %q", q.Channel, q.Bucket), l.terms.Channel)
	}
	if ch.Version == nil {
		next := "Assign a version to it with the hcppacker_channel_assignment resource"
		if ch.Managed {
			next = "HCP Packer moves this channel to the newest complete, unrevoked version by itself: publish one with packer build"
		}
		if l.terms.Fingerprint != "" {
			next += ", or look the version up by " + l.terms.Fingerprint + " instead"
		}
		return nil, &lookupError{
			Attribute: l.terms.Channel,
			Summary:   "Channel Has No Version",
			Detail:    fmt.Sprintf("Channel %q of bucket %q has no version assigned. %s.", q.Channel, q.Bucket, next),
		}
	}
	return ch.Version, nil
}

func (l versionLookup) byFingerprint(ctx context.Context, q versionQuery) (*client.Version, error) {
	v, err := l.reader.GetVersion(ctx, q.Location, q.Bucket, q.Fingerprint)
	if client.IsNotFound(err) {
		return nil, l.missing(ctx, q, versionNotFound(q.Location.ProjectID, q.Bucket, q.Fingerprint, "", l.terms.Fingerprint))
	}
	if err != nil {
		return nil, registryCallError(err, "Version",
			fmt.Sprintf("the version with fingerprint %q of bucket %q", q.Fingerprint, q.Bucket), l.terms.Fingerprint)
	}
	return v, nil
}

// byID scans the bucket's versions, since the API has no lookup by id, then
// reads the match by fingerprint so its builds and artifacts are complete.
func (l versionLookup) byID(ctx context.Context, q versionQuery) (*client.Version, error) {
	versions, err := l.reader.ListVersions(ctx, q.Location, q.Bucket)
	if client.IsNotFound(err) {
		return nil, bucketNotFound(q, l.terms)
	}
	if err != nil {
		return nil, registryCallError(err, "Versions", fmt.Sprintf("the versions of bucket %q", q.Bucket), l.terms.Bucket)
	}
	i := slices.IndexFunc(versions, func(v client.Version) bool { return strings.EqualFold(v.ID, q.ID) })
	if i < 0 {
		return nil, &lookupError{
			Attribute: l.terms.ID,
			Summary:   "Version Not Found",
			Detail: fmt.Sprintf("Bucket %q has no version with id %q (it has %d versions). Check %s; "+
				"a version id is the version's ULID, not its fingerprint or its name such as \"v3\".",
				q.Bucket, q.ID, len(versions), l.terms.ID),
		}
	}
	v, err := l.reader.GetVersion(ctx, q.Location, q.Bucket, versions[i].Fingerprint)
	if err != nil {
		// The version vanished between the two calls, or the read failed:
		// report it in terms of the id the user gave.
		if client.IsNotFound(err) {
			return nil, &lookupError{
				Attribute: l.terms.ID,
				Summary:   "Version Not Found",
				Detail:    fmt.Sprintf("The version with id %q of bucket %q was deleted while it was being read. Check %s.", q.ID, q.Bucket, l.terms.ID),
			}
		}
		return nil, registryCallError(err, "Version", fmt.Sprintf("the version with id %q of bucket %q", q.ID, q.Bucket), l.terms.ID)
	}
	return v, nil
}

// missing is called when a channel or version was not found: the bucket
// itself may be what is missing, and saying so is what the user needs.
func (l versionLookup) missing(ctx context.Context, q versionQuery, notFound *lookupError) error {
	_, err := l.reader.GetBucket(ctx, q.Location, q.Bucket)
	switch {
	case client.IsNotFound(err):
		return bucketNotFound(q, l.terms)
	case err != nil:
		return registryCallError(err, "Bucket", fmt.Sprintf("bucket %q", q.Bucket), l.terms.Bucket)
	default:
		return notFound
	}
}

func bucketNotFound(q versionQuery, terms lookupTerms) *lookupError {
	return &lookupError{
		Attribute: terms.Bucket,
		Summary:   "Bucket Not Found",
		Detail: fmt.Sprintf("Bucket %q does not exist in project %q. Check %s and project_id; "+
			"a bucket is created by the first packer build that publishes to it, or by the hcppacker_bucket resource.",
			q.Bucket, q.Location.ProjectID, terms.Bucket),
	}
}

// registryCallError describes a failed read other than "not found", on
// attribute: what names the object read ("bucket \"web\"").
func registryCallError(err error, object, what, attribute string) *lookupError {
	summary, detail := apiFailure("Unable to Read "+object, "read "+what, readAccess, err)
	return &lookupError{Attribute: attribute, Summary: summary, Detail: detail}
}

// rejectRevoked fails for a version whose revocation has taken effect.
func (l versionLookup) rejectRevoked(q versionQuery, v *client.Version, now time.Time) error {
	if !v.Revoked(now) {
		return nil
	}
	var fix string
	switch {
	case q.Channel != "":
		fix = fmt.Sprintf("Assign a valid version to channel %q (hcppacker_channel_assignment), restore this version", q.Channel)
	default:
		fix = "Look up a valid version, restore this one"
	}
	return &lookupError{
		Summary: "Version Revoked",
		Detail: fmt.Sprintf("%s was revoked at %s. reject_revoked is true, so a revoked version is an error. "+
			"%s (destroy its hcppacker_version_revocation), or set reject_revoked = false to read it anyway.",
			l.describeVersion(q, v), revocationDetails(v), fix),
	}
}

// describeVersion names a version like versionPhrase, with its channel:
// `Version v3 (fingerprint "abc") of bucket "web", assigned to channel "stable",`.
func (l versionLookup) describeVersion(q versionQuery, v *client.Version) string {
	s := versionPhrase(v, q.Bucket)
	if q.Channel != "" {
		s += fmt.Sprintf(", assigned to channel %q,", q.Channel)
	}
	return s
}

// keyAttribute is the attribute that selected the version in q.
func (l versionLookup) keyAttribute(q versionQuery) string {
	switch {
	case q.Channel != "":
		return l.terms.Channel
	case q.Fingerprint != "":
		return l.terms.Fingerprint
	default:
		return l.terms.ID
	}
}

func (l versionLookup) keyList() string {
	var keys []string
	for _, k := range []string{l.terms.Channel, l.terms.Fingerprint, l.terms.ID} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	return strings.Join(keys, ", ")
}

// selectArtifact picks the one artifact of v that q describes. It never
// substitutes another region, and it refuses to guess between several
// matches: both failures list what the version holds so the config can be
// fixed.
func (l versionLookup) selectArtifact(q versionQuery, v *client.Version, aq artifactQuery) (artifactChoice, error) {
	var matches []artifactChoice
	for _, b := range v.Builds {
		if b.Platform != aq.Platform || (aq.ComponentType != "" && b.ComponentType != aq.ComponentType) || !labelsSubset(aq.Labels, b.Labels) {
			continue
		}
		for _, a := range b.Artifacts {
			if a.Region == aq.Region {
				matches = append(matches, artifactChoice{Build: b, Artifact: a})
			}
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return artifactChoice{}, l.noArtifact(q, v, aq)
	default:
		return artifactChoice{}, l.ambiguousArtifact(q, v, aq, matches)
	}
}

func (l versionLookup) noArtifact(q versionQuery, v *client.Version, aq artifactQuery) error {
	var all []artifactChoice
	for _, b := range v.Builds {
		for _, a := range b.Artifacts {
			all = append(all, artifactChoice{Build: b, Artifact: a})
		}
	}
	sortChoices(all)
	var held strings.Builder
	if len(all) == 0 {
		held.WriteString("The version has no artifacts.")
	} else {
		held.WriteString("The version has these artifacts:")
		for _, c := range all {
			fmt.Fprintf(&held, "\n  - %s %q, %s %q, %s %q", l.terms.Platform, c.Build.Platform,
				l.terms.Region, c.Artifact.Region, l.terms.ComponentType, c.Build.ComponentType)
			if l.terms.Labels != "" && len(c.Build.Labels) > 0 {
				fmt.Fprintf(&held, ", labels %s", formatLabels(c.Build.Labels))
			}
		}
	}
	return &lookupError{
		Summary: "Artifact Not Found",
		Detail: fmt.Sprintf("%s has no artifact with %s. An artifact is never taken from another region than the one asked for.\n%s\n"+
			"Change %s to match one of them, or publish the image there.",
			l.describeVersion(q, v), l.describeArtifactQuery(aq), held.String(), l.filterList()),
	}
}

func (l versionLookup) ambiguousArtifact(q versionQuery, v *client.Version, aq artifactQuery, matches []artifactChoice) error {
	sortChoices(matches)
	var list strings.Builder
	for _, c := range matches {
		fmt.Fprintf(&list, "\n  - build %s, %s %q, external id %q", c.Build.ID, l.terms.ComponentType,
			c.Build.ComponentType, c.Artifact.ExternalIdentifier)
		if l.terms.Labels != "" && len(c.Build.Labels) > 0 {
			fmt.Fprintf(&list, ", labels %s", formatLabels(c.Build.Labels))
		}
	}
	narrow := l.terms.ComponentType
	if l.terms.Labels != "" {
		narrow += " or " + l.terms.Labels
	}
	return &lookupError{
		Summary: "Several Artifacts Match",
		Detail: fmt.Sprintf("%d artifacts of %s match %s, and the provider does not guess which one you mean:%s\nSet %s to pick exactly one.",
			len(matches), strings.Replace(l.describeVersion(q, v), "Version", "version", 1),
			l.describeArtifactQuery(aq), list.String(), narrow),
	}
}

func (l versionLookup) describeArtifactQuery(aq artifactQuery) string {
	parts := []string{
		fmt.Sprintf("%s = %q", l.terms.Platform, aq.Platform),
		fmt.Sprintf("%s = %q", l.terms.Region, aq.Region),
	}
	if aq.ComponentType != "" {
		parts = append(parts, fmt.Sprintf("%s = %q", l.terms.ComponentType, aq.ComponentType))
	}
	if len(aq.Labels) > 0 {
		parts = append(parts, fmt.Sprintf("%s ⊆ %s", l.terms.Labels, formatLabels(aq.Labels)))
	}
	return strings.Join(parts, ", ")
}

func (l versionLookup) filterList() string {
	filters := []string{l.terms.Platform, l.terms.Region, l.terms.ComponentType}
	if l.terms.Labels != "" {
		filters = append(filters, l.terms.Labels)
	}
	return strings.Join(filters[:len(filters)-1], ", ") + " or " + filters[len(filters)-1]
}

// labelsSubset reports whether every wanted label is on the build with the
// same value.
func labelsSubset(want, have map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// formatLabels renders labels sorted by key, so messages are stable.
func formatLabels(labels map[string]string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		pairs = append(pairs, fmt.Sprintf("%s=%q", k, labels[k]))
	}
	return "{" + strings.Join(pairs, ", ") + "}"
}

// sortChoices orders artifacts for messages: by platform, region, component
// type, build id and external id.
func sortChoices(cs []artifactChoice) {
	slices.SortFunc(cs, func(a, b artifactChoice) int {
		for _, c := range [][2]string{
			{a.Build.Platform, b.Build.Platform},
			{a.Artifact.Region, b.Artifact.Region},
			{a.Build.ComponentType, b.Build.ComponentType},
			{a.Build.ID, b.Build.ID},
			{a.Artifact.ExternalIdentifier, b.Artifact.ExternalIdentifier},
		} {
			if r := strings.Compare(c[0], c[1]); r != 0 {
				return r
			}
		}
		return 0
	})
}
