// Package publish records a build in an HCP Packer registry the way
// `packer build` does (CONTRACT.md §10.1), through hcp-sdk-go and the same
// call sequence: bucket upsert, version get → Aborted → create, builds
// created, started and finished with artifacts, then channel updates. The
// provider's acceptance tests, the demo and users' CI seed localhcp with it.
package publish

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	"github.com/oklog/ulid/v2"
	"google.golang.org/grpc/codes"
)

// Build is one build to record; empty fields take the values Packer's null
// builder reports.
type Build struct {
	ComponentType      string            // default "null.example" (later builds: "null.example2", …)
	Platform           string            // e.g. "aws"; default "null"
	Region             string            // e.g. "us-east-1"; default "null"
	ExternalIdentifier string            // e.g. "ami-0abc…"; default "Null"
	Labels             map[string]string // the build labels
}

// Options says what to publish.
type Options struct {
	Bucket      string
	Fingerprint string  // default: a fresh ULID, as Packer generates
	Builds      []Build // at least one
	// Channels are pointed at the version after every build, as Packer
	// does for hcp_packer_registry.channels: with PATCH only, so a channel
	// that does not exist is not created (see CreateChannels). A failure
	// after the last build is returned; earlier ones are expected (the
	// version is not complete yet) and ignored, as Packer logs and ignores
	// them.
	Channels []string
	// CreateChannels creates missing Channels (unassigned) before the
	// builds run. Packer never does this; it is off by default.
	CreateChannels bool
	// ParentVersionID and ParentChannelID record the base image ancestry
	// on every build, as Packer does when a source image came from an
	// hcp-packer-artifact data source.
	ParentVersionID, ParentChannelID string
	// BucketDescription and BucketLabels are sent when the bucket is
	// created. On an existing bucket they are applied only when set and
	// different (Packer would also clear values the template leaves out).
	BucketDescription string
	BucketLabels      map[string]string
	// Runtime sends the calls; nil means hcp-sdk-go's runtime, which does
	// not retry.
	Runtime Runtime
}

// Result is what was published.
type Result struct {
	Fingerprint string
	VersionID   string
	VersionName string   // "vN" once every build is done
	BuildIDs    []string // in the order of Options.Builds
}

// Publish talks to the HCP API configured by env ("KEY=value" HCP_*
// entries, as Packer reads them; nil means os.Environ()).
func Publish(ctx context.Context, env []string, opts Options) (*Result, error) {
	if opts.Bucket == "" {
		return nil, fmt.Errorf("publish: a bucket name is required")
	}
	if len(opts.Builds) == 0 {
		return nil, fmt.Errorf("publish to bucket %q: at least one build is required", opts.Bucket)
	}
	if opts.ParentChannelID != "" && opts.ParentVersionID == "" {
		return nil, fmt.Errorf("publish to bucket %q: a parent channel id needs a parent version id too", opts.Bucket)
	}
	if opts.Fingerprint == "" {
		opts.Fingerprint = ulid.Make().String()
	}
	builds := withDefaults(opts.Builds)
	seen := map[string]bool{}
	for _, b := range builds {
		if seen[b.ComponentType] {
			return nil, fmt.Errorf("publish to bucket %q: component type %q appears twice; every build needs its own", opts.Bucket, b.ComponentType)
		}
		seen[b.ComponentType] = true
	}
	conn, err := Connect(ctx, env, opts.Runtime)
	if err != nil {
		return nil, err
	}
	p := &publisher{ctx: ctx, api: packer_service.New(conn.Transport, nil), opts: opts, runUUID: uuid.NewString(),
		orgID: conn.OrganizationID, projectID: conn.ProjectID}
	return p.run(builds)
}

func withDefaults(in []Build) []Build {
	out := make([]Build, len(in))
	for i, b := range in {
		if b.ComponentType == "" {
			b.ComponentType = "null.example"
			if i > 0 {
				b.ComponentType = fmt.Sprintf("null.example%d", i+1)
			}
		}
		if b.Platform == "" {
			b.Platform = "null"
		}
		if b.Region == "" {
			b.Region = "null"
		}
		if b.ExternalIdentifier == "" {
			b.ExternalIdentifier = "Null"
		}
		out[i] = b
	}
	return out
}

type publisher struct {
	ctx              context.Context
	api              packer_service.ClientService
	opts             Options
	orgID, projectID string
	runUUID          string
}

func (p *publisher) run(builds []Build) (*Result, error) {
	if err := p.upsertBucket(); err != nil {
		return nil, err
	}
	version, err := p.initVersion()
	if err != nil {
		return nil, err
	}
	if version.Name != "v0" {
		return p.finishCompleted(version, builds)
	}
	stored, err := p.initBuilds(builds)
	if err != nil {
		return nil, err
	}
	if err := p.enforcedBlocks(); err != nil {
		return nil, err
	}
	if p.opts.CreateChannels {
		if err := p.createMissingChannels(); err != nil {
			return nil, err
		}
	}
	res := &Result{Fingerprint: p.opts.Fingerprint, VersionID: version.ID}
	for i, b := range builds {
		sb := stored[b.ComponentType]
		res.BuildIDs = append(res.BuildIDs, sb.ID)
		if len(sb.Artifacts) > 0 || buildDone(sb) {
			continue // Packer: "skipping already done build"
		}
		if err := p.startBuild(sb.ID); err != nil {
			return nil, err
		}
		if err := p.finishBuild(sb.ID, b); err != nil {
			return nil, err
		}
		last := i == len(builds)-1
		if err := p.updateChannels(); err != nil && last {
			return nil, err
		}
	}
	final, err := p.getVersion()
	if err != nil {
		return nil, apiError(fmt.Sprintf("read version %s of bucket %q after publishing", p.opts.Fingerprint, p.opts.Bucket), err)
	}
	res.VersionName = final.Name
	return res, nil
}

// upsertBucket is Packer's bucket initialisation: GET, PUT on NotFound,
// PATCH when the wanted description or labels differ.
func (p *publisher) upsertBucket() error {
	get := packer_service.NewPackerServiceGetBucketParamsWithContext(p.ctx)
	get.LocationOrganizationID, get.LocationProjectID, get.BucketName = p.orgID, p.projectID, p.opts.Bucket
	resp, err := p.api.PackerServiceGetBucket(get, nil)
	if codeOf(err) == codes.NotFound {
		create := packer_service.NewPackerServiceCreateBucketParamsWithContext(p.ctx)
		create.LocationOrganizationID, create.LocationProjectID = p.orgID, p.projectID
		create.Body = &models.HashicorpCloudPacker20230101CreateBucketBody{
			Name: p.opts.Bucket, Description: p.opts.BucketDescription, Labels: p.opts.BucketLabels,
		}
		_, err := p.api.PackerServiceCreateBucket(create, nil)
		if codeOf(err) == codes.AlreadyExists {
			// Another publisher created it between our GET and PUT; Packer
			// would fail here, but the bucket we wanted exists.
			return nil
		}
		if err != nil {
			return apiError(fmt.Sprintf("create bucket %q", p.opts.Bucket), err)
		}
		return nil
	}
	if err != nil {
		return apiError(fmt.Sprintf("read bucket %q", p.opts.Bucket), err)
	}
	b := resp.Payload.Bucket
	wantDesc, wantLabels := b.Description, b.Labels
	if p.opts.BucketDescription != "" {
		wantDesc = p.opts.BucketDescription
	}
	if p.opts.BucketLabels != nil {
		wantLabels = p.opts.BucketLabels
	}
	if wantDesc == b.Description && sameLabels(wantLabels, b.Labels) {
		return nil
	}
	update := packer_service.NewPackerServiceUpdateBucketParamsWithContext(p.ctx)
	update.LocationOrganizationID, update.LocationProjectID, update.BucketName = p.orgID, p.projectID, p.opts.Bucket
	update.Body = &models.HashicorpCloudPacker20230101UpdateBucketBody{Description: wantDesc, Labels: wantLabels}
	if _, err := p.api.PackerServiceUpdateBucket(update, nil); err != nil {
		return apiError(fmt.Sprintf("update bucket %q", p.opts.Bucket), err)
	}
	return nil
}

func (p *publisher) getVersion() (*models.HashicorpCloudPacker20230101Version, error) {
	get := packer_service.NewPackerServiceGetVersionParamsWithContext(p.ctx)
	get.LocationOrganizationID, get.LocationProjectID = p.orgID, p.projectID
	get.BucketName, get.Fingerprint = p.opts.Bucket, p.opts.Fingerprint
	resp, err := p.api.PackerServiceGetVersion(get, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Version, nil
}

// initVersion is Packer's version initialisation: GET, and POST on Aborted
// (the API's answer for a fingerprint it does not know).
func (p *publisher) initVersion() (*models.HashicorpCloudPacker20230101Version, error) {
	v, err := p.getVersion()
	if codeOf(err) == codes.Aborted {
		create := packer_service.NewPackerServiceCreateVersionParamsWithContext(p.ctx)
		create.LocationOrganizationID, create.LocationProjectID, create.BucketName = p.orgID, p.projectID, p.opts.Bucket
		create.Body = &models.HashicorpCloudPacker20230101CreateVersionBody{
			Fingerprint: p.opts.Fingerprint, TemplateType: models.HashicorpCloudPacker20230101TemplateTypeHCL2.Pointer(),
		}
		resp, err := p.api.PackerServiceCreateVersion(create, nil)
		if err != nil {
			return nil, apiError(fmt.Sprintf("create version %s in bucket %q", p.opts.Fingerprint, p.opts.Bucket), err)
		}
		return resp.Payload.Version, nil
	}
	if err != nil {
		return nil, apiError(fmt.Sprintf("read version %s of bucket %q", p.opts.Fingerprint, p.opts.Bucket), err)
	}
	return v, nil
}

// initBuilds lists the version's builds and creates the missing ones;
// AlreadyExists (created concurrently) is tolerated, as Packer does.
func (p *publisher) initBuilds(builds []Build) (map[string]*models.HashicorpCloudPacker20230101Build, error) {
	stored, err := p.listBuilds()
	if err != nil {
		return nil, err
	}
	created := false
	for _, b := range builds {
		if _, ok := stored[b.ComponentType]; ok {
			continue
		}
		create := packer_service.NewPackerServiceCreateBuildParamsWithContext(p.ctx)
		create.LocationOrganizationID, create.LocationProjectID = p.orgID, p.projectID
		create.BucketName, create.Fingerprint = p.opts.Bucket, p.opts.Fingerprint
		create.Body = &models.HashicorpCloudPacker20230101CreateBuildBody{
			ComponentType: b.ComponentType, PackerRunUUID: p.runUUID,
			Status: models.HashicorpCloudPacker20230101BuildStatusBUILDUNSET.Pointer(),
		}
		if _, err := p.api.PackerServiceCreateBuild(create, nil); err != nil && codeOf(err) != codes.AlreadyExists {
			return nil, apiError(fmt.Sprintf("create build %q in version %s of bucket %q", b.ComponentType, p.opts.Fingerprint, p.opts.Bucket), err)
		}
		created = true
	}
	if created {
		return p.listBuilds()
	}
	return stored, nil
}

func (p *publisher) listBuilds() (map[string]*models.HashicorpCloudPacker20230101Build, error) {
	list := packer_service.NewPackerServiceListBuildsParamsWithContext(p.ctx)
	list.LocationOrganizationID, list.LocationProjectID = p.orgID, p.projectID
	list.BucketName, list.Fingerprint = p.opts.Bucket, p.opts.Fingerprint
	resp, err := p.api.PackerServiceListBuilds(list, nil)
	if err != nil {
		return nil, apiError(fmt.Sprintf("list builds of version %s in bucket %q", p.opts.Fingerprint, p.opts.Bucket), err)
	}
	out := map[string]*models.HashicorpCloudPacker20230101Build{}
	for _, b := range resp.Payload.Builds {
		out[b.ComponentType] = b
	}
	return out, nil
}

// enforcedBlocks fetches the bucket's enforced provisioners, as Packer does
// before building; NotFound and Unimplemented mean there are none.
func (p *publisher) enforcedBlocks() error {
	get := packer_service.NewPackerServiceGetEnforcedBlocksByBucketParamsWithContext(p.ctx)
	get.LocationOrganizationID, get.LocationProjectID, get.BucketName = p.orgID, p.projectID, p.opts.Bucket
	_, err := p.api.PackerServiceGetEnforcedBlocksByBucket(get, nil)
	if code := codeOf(err); err != nil && code != codes.NotFound && code != codes.Unimplemented {
		return apiError(fmt.Sprintf("read enforced blocks of bucket %q", p.opts.Bucket), err)
	}
	return nil
}

func (p *publisher) updateBuild(id string, body *models.HashicorpCloudPacker20230101UpdateBuildBody) error {
	update := packer_service.NewPackerServiceUpdateBuildParamsWithContext(p.ctx)
	update.LocationOrganizationID, update.LocationProjectID = p.orgID, p.projectID
	update.BucketName, update.Fingerprint, update.BuildID = p.opts.Bucket, p.opts.Fingerprint, id
	update.Body = body
	_, err := p.api.PackerServiceUpdateBuild(update, nil)
	return err
}

func (p *publisher) startBuild(id string) error {
	err := p.updateBuild(id, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		PackerRunUUID: p.runUUID, Status: models.HashicorpCloudPacker20230101BuildStatusBUILDRUNNING.Pointer(),
	})
	if err != nil {
		return apiError(fmt.Sprintf("start build %s of version %s in bucket %q", id, p.opts.Fingerprint, p.opts.Bucket), err)
	}
	return nil
}

func (p *publisher) finishBuild(id string, b Build) error {
	err := p.updateBuild(id, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		Artifacts: []*models.HashicorpCloudPacker20230101ArtifactCreateBody{
			{ExternalIdentifier: b.ExternalIdentifier, Region: b.Region},
		},
		Labels:                   b.Labels,
		PackerRunUUID:            p.runUUID,
		Platform:                 b.Platform,
		SourceExternalIdentifier: sourceIdentifier(p.opts),
		ParentVersionID:          p.opts.ParentVersionID,
		ParentChannelID:          p.opts.ParentChannelID,
		Status:                   models.HashicorpCloudPacker20230101BuildStatusBUILDDONE.Pointer(),
		Metadata: &models.HashicorpCloudPacker20230101BuildMetadata{
			Packer: map[string]any{"version": "localhcp-publish", "plugins": []any{}, "os": "", "options": map[string]any{}},
		},
	})
	if err != nil {
		return apiError(fmt.Sprintf("finish build %s (%s) of version %s in bucket %q", id, b.ComponentType, p.opts.Fingerprint, p.opts.Bucket), err)
	}
	return nil
}

// sourceIdentifier mirrors the null builder's source id, "null", unless an
// ancestry was given (then the source is the parent's image, unknown here).
func sourceIdentifier(o Options) string {
	if o.ParentVersionID != "" {
		return ""
	}
	return "null"
}

func (p *publisher) updateChannels() error {
	var firstErr error
	for _, name := range p.opts.Channels {
		update := packer_service.NewPackerServiceUpdateChannelParamsWithContext(p.ctx)
		update.LocationOrganizationID, update.LocationProjectID = p.orgID, p.projectID
		update.BucketName, update.ChannelName = p.opts.Bucket, name
		update.Body = &models.HashicorpCloudPacker20230101UpdateChannelBody{
			VersionFingerprint: p.opts.Fingerprint, UpdateMask: "versionFingerprint",
		}
		if _, err := p.api.PackerServiceUpdateChannel(update, nil); err != nil && firstErr == nil {
			firstErr = channelError(p.opts.Bucket, name, p.opts.Fingerprint, err)
		}
	}
	return firstErr
}

func (p *publisher) createMissingChannels() error {
	names := append([]string(nil), p.opts.Channels...)
	sort.Strings(names)
	for _, name := range names {
		get := packer_service.NewPackerServiceGetChannelParamsWithContext(p.ctx)
		get.LocationOrganizationID, get.LocationProjectID = p.orgID, p.projectID
		get.BucketName, get.ChannelName = p.opts.Bucket, name
		_, err := p.api.PackerServiceGetChannel(get, nil)
		if err == nil {
			continue
		}
		if codeOf(err) != codes.NotFound {
			return apiError(fmt.Sprintf("read channel %q of bucket %q", name, p.opts.Bucket), err)
		}
		create := packer_service.NewPackerServiceCreateChannelParamsWithContext(p.ctx)
		create.LocationOrganizationID, create.LocationProjectID, create.BucketName = p.orgID, p.projectID, p.opts.Bucket
		create.Body = &models.HashicorpCloudPacker20230101CreateChannelBody{Name: name}
		if _, err := p.api.PackerServiceCreateChannel(create, nil); err != nil && codeOf(err) != codes.AlreadyExists {
			return apiError(fmt.Sprintf("create channel %q in bucket %q", name, p.opts.Bucket), err)
		}
	}
	return nil
}

func buildDone(b *models.HashicorpCloudPacker20230101Build) bool {
	return b.Status != nil && *b.Status == models.HashicorpCloudPacker20230101BuildStatusBUILDDONE
}

func sameLabels(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// finishCompleted handles a publish of a fingerprint whose version is
// already complete. Packer refuses that outright, which leaves a CI job
// whose channel step failed after the last build with no way to finish it.
// When the version holds exactly the builds asked for, this is a re-run:
// the channel step is done again. Other builds are refused.
func (p *publisher) finishCompleted(version *models.HashicorpCloudPacker20230101Version, builds []Build) (*Result, error) {
	stored, err := p.listBuilds()
	if err != nil {
		return nil, err
	}
	res := &Result{Fingerprint: p.opts.Fingerprint, VersionID: version.ID, VersionName: version.Name}
	for _, b := range builds {
		sb, ok := stored[b.ComponentType]
		if diff := buildDifference(b, sb, ok); diff != "" {
			return nil, fmt.Errorf("version %s (fingerprint %s) of bucket %q is complete with other builds: %s; publish with a new --fingerprint",
				version.Name, p.opts.Fingerprint, p.opts.Bucket, diff)
		}
		res.BuildIDs = append(res.BuildIDs, sb.ID)
	}
	if len(stored) != len(builds) {
		return nil, fmt.Errorf("version %s (fingerprint %s) of bucket %q is complete with %d builds, this publish has %d; publish with a new --fingerprint",
			version.Name, p.opts.Fingerprint, p.opts.Bucket, len(stored), len(builds))
	}
	if p.opts.CreateChannels {
		if err := p.createMissingChannels(); err != nil {
			return nil, err
		}
	}
	if err := p.updateChannels(); err != nil {
		return nil, err
	}
	return res, nil
}

// buildDifference says how the stored build differs from the one asked
// for, or "" when a re-run would record the same.
func buildDifference(want Build, got *models.HashicorpCloudPacker20230101Build, found bool) string {
	switch {
	case !found:
		return fmt.Sprintf("it has no build %q", want.ComponentType)
	case got.Platform != want.Platform:
		return fmt.Sprintf("build %q has platform %q, not %q", want.ComponentType, got.Platform, want.Platform)
	case !sameLabels(got.Labels, want.Labels):
		return fmt.Sprintf("build %q has labels %v, not %v", want.ComponentType, got.Labels, want.Labels)
	case len(got.Artifacts) != 1 || got.Artifacts[0].ExternalIdentifier != want.ExternalIdentifier || got.Artifacts[0].Region != want.Region:
		return fmt.Sprintf("build %q has other artifacts than %s in %s", want.ComponentType, want.ExternalIdentifier, want.Region)
	}
	return ""
}
