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
	e, err := parseEnv(environ(env))
	if err != nil {
		return nil, err
	}
	rt, err := e.transport(ctx)
	if err != nil {
		return nil, err
	}
	p := &publisher{ctx: ctx, api: packer_service.New(rt, nil), opts: opts, runUUID: uuid.NewString()}
	if p.orgID, p.projectID, err = discover(ctx, rt, e.organizationID, e.projectID); err != nil {
		return nil, err
	}
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
		return nil, fmt.Errorf("read version %s of bucket %q after publishing: %w", p.opts.Fingerprint, p.opts.Bucket, err)
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
	if errorCode(err) == 5 {
		create := packer_service.NewPackerServiceCreateBucketParamsWithContext(p.ctx)
		create.LocationOrganizationID, create.LocationProjectID = p.orgID, p.projectID
		create.Body = &models.HashicorpCloudPacker20230101CreateBucketBody{
			Name: p.opts.Bucket, Description: p.opts.BucketDescription, Labels: p.opts.BucketLabels,
		}
		_, err := p.api.PackerServiceCreateBucket(create, nil)
		if errorCode(err) == 6 {
			// Another publisher created it between our GET and PUT; Packer
			// would fail here, but the bucket we wanted exists.
			return nil
		}
		if err != nil {
			return fmt.Errorf("create bucket %q: %w", p.opts.Bucket, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read bucket %q: %w", p.opts.Bucket, err)
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
		return fmt.Errorf("update bucket %q: %w", p.opts.Bucket, err)
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

// initVersion is Packer's version initialisation: GET, POST on Aborted, and
// a refusal to reuse a complete version.
func (p *publisher) initVersion() (*models.HashicorpCloudPacker20230101Version, error) {
	v, err := p.getVersion()
	if errorCode(err) == 10 {
		create := packer_service.NewPackerServiceCreateVersionParamsWithContext(p.ctx)
		create.LocationOrganizationID, create.LocationProjectID, create.BucketName = p.orgID, p.projectID, p.opts.Bucket
		create.Body = &models.HashicorpCloudPacker20230101CreateVersionBody{
			Fingerprint: p.opts.Fingerprint, TemplateType: models.HashicorpCloudPacker20230101TemplateTypeHCL2.Pointer(),
		}
		resp, err := p.api.PackerServiceCreateVersion(create, nil)
		if err != nil {
			return nil, fmt.Errorf("create version %s in bucket %q: %w", p.opts.Fingerprint, p.opts.Bucket, err)
		}
		return resp.Payload.Version, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read version %s of bucket %q: %w", p.opts.Fingerprint, p.opts.Bucket, err)
	}
	if v.Name != "v0" {
		return nil, fmt.Errorf("the version associated to the fingerprint %s in bucket %q is complete (%s): publish with a new fingerprint", p.opts.Fingerprint, p.opts.Bucket, v.Name)
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
		if _, err := p.api.PackerServiceCreateBuild(create, nil); err != nil && errorCode(err) != 6 {
			return nil, fmt.Errorf("create build %q in version %s of bucket %q: %w", b.ComponentType, p.opts.Fingerprint, p.opts.Bucket, err)
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
		return nil, fmt.Errorf("list builds of version %s in bucket %q: %w", p.opts.Fingerprint, p.opts.Bucket, err)
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
	if code := errorCode(err); err != nil && code != 5 && code != 12 {
		return fmt.Errorf("read enforced blocks of bucket %q: %w", p.opts.Bucket, err)
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
		return fmt.Errorf("start build %s of version %s in bucket %q: %w", id, p.opts.Fingerprint, p.opts.Bucket, err)
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
		return fmt.Errorf("finish build %s (%s) of version %s in bucket %q: %w", id, b.ComponentType, p.opts.Fingerprint, p.opts.Bucket, err)
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
			firstErr = fmt.Errorf("point channel %q of bucket %q at version %s: %w", name, p.opts.Bucket, p.opts.Fingerprint, err)
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
		if errorCode(err) != 5 {
			return fmt.Errorf("read channel %q of bucket %q: %w", name, p.opts.Bucket, err)
		}
		create := packer_service.NewPackerServiceCreateChannelParamsWithContext(p.ctx)
		create.LocationOrganizationID, create.LocationProjectID, create.BucketName = p.orgID, p.projectID, p.opts.Bucket
		create.Body = &models.HashicorpCloudPacker20230101CreateChannelBody{Name: name}
		if _, err := p.api.PackerServiceCreateChannel(create, nil); err != nil && errorCode(err) != 6 {
			return fmt.Errorf("create channel %q in bucket %q: %w", name, p.opts.Bucket, err)
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
