package registry

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// ArtifactInput is one artifact a build publishes.
type ArtifactInput struct {
	ExternalIdentifier string
	Region             string
}

// BuildInput is CreateBuild's and UpdateBuild's input. In an update, empty
// strings, a nil Labels map, nil Metadata and no Artifacts leave the stored
// values alone; Artifacts are appended.
type BuildInput struct {
	ComponentType            string
	PackerRunUUID            string
	Platform                 string
	SourceExternalIdentifier string
	Status                   string
	Labels                   map[string]string
	Artifacts                []ArtifactInput
	Metadata                 json.RawMessage
	ParentVersionID          string
	ParentChannelID          string
}

func (in *BuildInput) validate() error {
	switch in.Status {
	case "", BuildUnset, BuildRunning, BuildDone, BuildCancelled, BuildFailed:
	default:
		return invalid("status %s is invalid: use BUILD_UNSET, BUILD_RUNNING, BUILD_DONE, BUILD_CANCELLED or BUILD_FAILED", quoteShort(in.Status))
	}
	if in.ParentChannelID != "" && in.ParentVersionID == "" {
		return invalid("parent_channel_id is set without parent_version_id: send both, or neither")
	}
	// HCP records an artifact with only a region (clients publish such
	// artifacts for builds without a cloud image id); one with neither
	// field says nothing.
	for i, a := range in.Artifacts {
		if strings.TrimSpace(a.ExternalIdentifier) == "" && strings.TrimSpace(a.Region) == "" {
			return invalid("artifacts[%d] has neither external_identifier nor region: send the cloud's image id, its region, or both", i)
		}
	}
	return ValidateLabels("labels", in.Labels)
}

// CreateBuild adds a build to an incomplete version. Builds are unique per
// component_type within a version.
func (s *Service) CreateBuild(ctx context.Context, loc Loc, author, bucketName, fingerprint string, in BuildInput) (*Build, error) {
	if strings.TrimSpace(in.ComponentType) == "" {
		return nil, invalid("component_type is required: name the Packer source, e.g. \"amazon-ebs.ubuntu\"")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Build
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		v, err := s.version(tx, b, fingerprint)
		if err != nil {
			return err
		}
		if v.Complete() {
			return precondition("version %s (%s) of bucket %q is complete: start a new version with another fingerprint to add builds", v.Fingerprint, v.Name(), b.Name)
		}
		switch _, err := tx.BuildByComponentType(v.ID, in.ComponentType); {
		case err == nil:
			return exists("a build for component_type %q already exists in version %s of bucket %q", in.ComponentType, v.Fingerprint, b.Name)
		case !isNotFound(err):
			return err
		}
		status := in.Status
		if status == "" {
			status = BuildUnset
		}
		build := &Build{
			ID: s.NewID(), VersionID: v.ID, ComponentType: in.ComponentType, PackerRunUUID: in.PackerRunUUID,
			Platform: in.Platform, SourceExternalIdentifier: in.SourceExternalIdentifier, Status: status,
			Labels: cloneLabels(in.Labels), Metadata: in.Metadata,
			ParentVersionID: in.ParentVersionID, ParentChannelID: in.ParentChannelID,
			Artifacts: []Artifact{}, CreatedAt: now, UpdatedAt: now,
		}
		s.appendArtifacts(build, in.Artifacts, now)
		if build.Status == BuildDone && len(build.Artifacts) == 0 {
			return precondition("build %q cannot be BUILD_DONE without artifacts: publish at least one artifact", in.ComponentType)
		}
		if err := tx.InsertBuild(build); err != nil {
			return err
		}
		out = build
		if build.Status != BuildDone {
			// A build that is not done keeps its version incomplete, so
			// there is no need to look at the others.
			v.UpdatedAt = now
			return tx.UpdateVersion(v)
		}
		return s.completeIfDone(tx, b, v, now, author)
	})
	return out, err
}

// GetBuild returns one build of a version.
func (s *Service) GetBuild(ctx context.Context, loc Loc, bucketName, fingerprint, buildID string) (*Build, error) {
	var out *Build
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		_, _, build, err := s.build(tx, loc, bucketName, fingerprint, buildID)
		out = build
		return err
	})
	return out, err
}

// ListBuilds lists a version's builds, oldest first unless told otherwise.
func (s *Service) ListBuilds(ctx context.Context, loc Loc, bucketName, fingerprint string, o ListOptions) ([]Build, PageInfo, error) {
	var out []Build
	var info PageInfo
	err := s.read(ctx, func(tx Tx, now time.Time) error {
		b, err := s.bucket(tx, loc, bucketName)
		if err != nil {
			return err
		}
		v, err := s.version(tx, b, fingerprint)
		if err != nil {
			return err
		}
		all, err := tx.Builds(v.ID)
		if err != nil {
			return err
		}
		err = sortBy(all, o.OrderBy, []orderTerm{{field: "created_at"}}, func(b *Build) sortKeys {
			return sortKeys{name: b.ComponentType, created: b.CreatedAt, updated: b.UpdatedAt, id: b.ID}
		})
		if err != nil {
			return err
		}
		out, info, err = Paginate(all, o)
		return err
	})
	return out, info, err
}

// UpdateBuild changes a build that is not done yet. Setting the last build
// of a version to BUILD_DONE completes the version right here, so a channel
// update that follows in the same Packer run finds it complete.
func (s *Service) UpdateBuild(ctx context.Context, loc Loc, author, bucketName, fingerprint, buildID string, in BuildInput) (*Build, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Build
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		b, v, build, err := s.build(tx, loc, bucketName, fingerprint, buildID)
		if err != nil {
			return err
		}
		if build.Status == BuildDone {
			return precondition("build %s (%q) of version %s is BUILD_DONE and cannot change: publish a new version instead", build.ID, build.ComponentType, v.Fingerprint)
		}
		if in.Platform != "" && build.Platform != "" && in.Platform != build.Platform {
			return exists("You cannot override a build's Cloud Provider if it has already been set: build %s has platform %q, the update asked for %q", build.ID, build.Platform, in.Platform)
		}
		if in.Platform != "" {
			build.Platform = in.Platform
		}
		if in.PackerRunUUID != "" {
			build.PackerRunUUID = in.PackerRunUUID
		}
		if in.SourceExternalIdentifier != "" {
			build.SourceExternalIdentifier = in.SourceExternalIdentifier
		}
		if in.Status != "" && in.Status != BuildUnset {
			build.Status = in.Status
		}
		if in.Labels != nil {
			build.Labels = cloneLabels(in.Labels)
		}
		if in.Metadata != nil {
			build.Metadata = in.Metadata
		}
		if in.ParentVersionID != "" {
			build.ParentVersionID, build.ParentChannelID = in.ParentVersionID, in.ParentChannelID
		}
		s.appendArtifacts(build, in.Artifacts, now)
		if build.Status == BuildDone && len(build.Artifacts) == 0 {
			return precondition("build %s (%q) cannot be BUILD_DONE without artifacts: send at least one artifact with the update", build.ID, build.ComponentType)
		}
		build.UpdatedAt = now
		if err := tx.UpdateBuild(build); err != nil {
			return err
		}
		out = build
		if build.Status != BuildDone {
			// A build that is not done keeps its version incomplete, so
			// there is no need to look at the others.
			v.UpdatedAt = now
			return tx.UpdateVersion(v)
		}
		return s.completeIfDone(tx, b, v, now, author)
	})
	return out, err
}

// DeleteBuild removes a build. A complete version keeps at least one build,
// so the only build of a complete version is refused: what channels and
// `latest` serve must have artifacts. An incomplete version whose remaining
// builds are all done completes here, as if its last build had just
// finished.
func (s *Service) DeleteBuild(ctx context.Context, loc Loc, author, bucketName, fingerprint, buildID string) error {
	return s.write(ctx, func(tx Tx, now time.Time) error {
		b, v, build, err := s.build(tx, loc, bucketName, fingerprint, buildID)
		if err != nil {
			return err
		}
		if !v.Complete() {
			if err := tx.DeleteBuild(build.ID); err != nil {
				return err
			}
			return s.completeIfDone(tx, b, v, now, author)
		}
		if err := s.keepsABuild(tx, b, v, build); err != nil {
			return err
		}
		if err := tx.DeleteBuild(build.ID); err != nil {
			return err
		}
		v.UpdatedAt = now
		return tx.UpdateVersion(v)
	})
}

// keepsABuild refuses to delete build when it is the only one of the
// complete version v.
func (s *Service) keepsABuild(tx Tx, b *Bucket, v *Version, build *Build) error {
	builds, err := tx.Builds(v.ID)
	if err != nil || len(builds) > 1 {
		return err
	}
	served := ""
	channels, err := tx.ChannelsOnVersion(v.ID)
	if err != nil {
		return err
	}
	if len(channels) > 0 {
		served = ", served by channel " + channelNames(channels) + ","
	}
	return precondition("build %s (%q) is the only build of version %s (%s) of bucket %q%s and a complete version keeps at least one build: delete the version instead (with rollback_channels=true to move its channels back)",
		build.ID, build.ComponentType, v.Fingerprint, v.Name(), b.Name, served)
}

// SBOMInput is UploadSbom's input.
type SBOMInput struct {
	Name    string
	Format  string
	Content []byte
}

// UploadSBOM stores a build's software bill of materials, replacing one of
// the same name.
func (s *Service) UploadSBOM(ctx context.Context, loc Loc, bucketName, fingerprint, buildID string, in SBOMInput) (*SBOM, error) {
	switch in.Format {
	case "CYCLONEDX", "SPDX":
	default:
		return nil, invalid("format %s is invalid: use CYCLONEDX or SPDX", quoteShort(in.Format))
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, invalid("name is required: name the SBOM")
	}
	var out *SBOM
	err := s.write(ctx, func(tx Tx, now time.Time) error {
		if _, _, _, err := s.build(tx, loc, bucketName, fingerprint, buildID); err != nil {
			return err
		}
		out = &SBOM{ID: s.NewID(), BuildID: buildID, Name: in.Name, Format: in.Format, Content: in.Content, CreatedAt: now}
		return tx.PutSBOM(out)
	})
	return out, err
}

func (s *Service) build(tx Tx, loc Loc, bucketName, fingerprint, buildID string) (*Bucket, *Version, *Build, error) {
	b, err := s.bucket(tx, loc, bucketName)
	if err != nil {
		return nil, nil, nil, err
	}
	v, err := s.version(tx, b, fingerprint)
	if err != nil {
		return nil, nil, nil, err
	}
	build, err := tx.BuildByID(v.ID, buildID)
	if isNotFound(err) {
		return nil, nil, nil, notFound("build %s not found in version %s of bucket %q", quoteShort(buildID), v.Fingerprint, b.Name)
	}
	return b, v, build, err
}

func (s *Service) appendArtifacts(build *Build, in []ArtifactInput, now time.Time) {
	for _, a := range in {
		build.Artifacts = append(build.Artifacts, Artifact{
			ID: s.NewID(), ExternalIdentifier: a.ExternalIdentifier, Region: a.Region, CreatedAt: now,
		})
	}
}

// completeIfDone completes the version once every build is done.
func (s *Service) completeIfDone(tx Tx, b *Bucket, v *Version, now time.Time, author string) error {
	if v.Complete() {
		return nil
	}
	builds, err := tx.Builds(v.ID)
	if err != nil {
		return err
	}
	if !allBuildsDone(builds) {
		v.UpdatedAt = now
		return tx.UpdateVersion(v)
	}
	return s.complete(tx, b, v, now, author)
}
