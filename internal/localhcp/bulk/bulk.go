// Package bulk fills a localhcp data directory with a large registry fast,
// for scale tests and benchmarks. It goes through the registry rules (the
// same functions the HTTP handlers call), so what it writes is what the
// API would have written, but without HTTP, tokens or JSON: tens of
// thousands of versions take seconds instead of minutes.
package bulk

import (
	"context"
	"fmt"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Spec is the registry to seed.
type Spec struct {
	// Buckets named "<BucketPrefix>-<i>" for i in [0, Buckets), each with
	// one complete version on channel "stable".
	Buckets      int
	BucketPrefix string
	// BigBucket, when set, gets BigVersions complete versions; "stable"
	// points at the first, "dev" at the last, `latest` follows the newest.
	BigBucket   string
	BigVersions int
}

// Seeded is what Seed made.
type Seeded struct {
	// BigFingerprints are the fingerprints of BigBucket's versions, oldest
	// first.
	BigFingerprints []string
}

// Seed starts localhcp once on dir to create its organization, project and
// principals, stops it, and adds spec's registry through the registry rules
// as the first contributor. dir must not be in use by a running localhcp;
// start one on it afterwards to serve the registry.
func Seed(ctx context.Context, dir string, spec Spec) (*Seeded, error) {
	srv, err := localhcp.Start(localhcp.Options{DataDir: dir})
	if err != nil {
		return nil, err
	}
	loc := registry.Loc{OrganizationID: srv.OrganizationID(), ProjectID: srv.ProjectID()}
	author := srv.Principal("contributor").ID
	if err := srv.Close(); err != nil {
		return nil, err
	}
	db, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out *Seeded
	// One transaction for everything rather than a commit per call, as the
	// API would make: nothing reads the directory until Seed returns.
	err = db.UpdateTx(ctx, func(tx *store.Tx) error {
		s := seeder{ctx: ctx, svc: registry.New(oneTx{tx}, nil), loc: loc, author: author}
		out, err = s.seed(spec)
		return err
	})
	return out, err
}

// oneTx is a registry store that runs every transaction inside the one it
// holds.
type oneTx struct{ tx *store.Tx }

func (o oneTx) View(_ context.Context, fn func(registry.Tx) error) error   { return fn(o.tx) }
func (o oneTx) Update(_ context.Context, fn func(registry.Tx) error) error { return fn(o.tx) }

func (s seeder) seed(spec Spec) (*Seeded, error) {
	out := &Seeded{}
	for i := range spec.Buckets {
		name := fmt.Sprintf("%s-%d", spec.BucketPrefix, i)
		if err := s.bucket(name); err != nil {
			return nil, err
		}
		fp, err := s.version(name, 0)
		if err != nil {
			return nil, err
		}
		if err := s.channel(name, "stable", fp); err != nil {
			return nil, err
		}
	}
	if spec.BigBucket == "" {
		return out, nil
	}
	if err := s.bucket(spec.BigBucket); err != nil {
		return nil, err
	}
	for i := range spec.BigVersions {
		fp, err := s.version(spec.BigBucket, i)
		if err != nil {
			return nil, err
		}
		out.BigFingerprints = append(out.BigFingerprints, fp)
	}
	if n := len(out.BigFingerprints); n > 0 {
		if err := s.channel(spec.BigBucket, "stable", out.BigFingerprints[0]); err != nil {
			return nil, err
		}
		if err := s.channel(spec.BigBucket, "dev", out.BigFingerprints[n-1]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type seeder struct {
	ctx    context.Context
	svc    *registry.Service
	loc    registry.Loc
	author string
}

func (s seeder) bucket(name string) error {
	_, err := s.svc.CreateBucket(s.ctx, s.loc, s.author, registry.BucketInput{Name: name})
	if err != nil {
		return fmt.Errorf("seed bucket %s: %w", name, err)
	}
	return nil
}

// version publishes version i of bucket as packer build would: the version,
// then one finished build with an artifact, which completes it.
func (s seeder) version(bucket string, i int) (string, error) {
	fp := fmt.Sprintf("%s-%06d", bucket, i)
	if _, err := s.svc.CreateVersion(s.ctx, s.loc, s.author, bucket, fp, "HCL2"); err != nil {
		return "", fmt.Errorf("seed version %s of bucket %s: %w", fp, bucket, err)
	}
	_, err := s.svc.CreateBuild(s.ctx, s.loc, s.author, bucket, fp, registry.BuildInput{
		ComponentType: "amazon-ebs.app", Platform: "aws", Status: registry.BuildDone,
		Artifacts: []registry.ArtifactInput{{ExternalIdentifier: fmt.Sprintf("ami-%x", i), Region: "us-east-1"}},
		Labels:    map[string]string{"os": "linux"},
	})
	if err != nil {
		return "", fmt.Errorf("seed the build of version %s of bucket %s: %w", fp, bucket, err)
	}
	return fp, nil
}

func (s seeder) channel(bucket, name, fp string) error {
	_, err := s.svc.CreateChannel(s.ctx, s.loc, s.author, bucket, registry.ChannelInput{Name: name, VersionFingerprint: fp})
	if err != nil {
		return fmt.Errorf("seed channel %s of bucket %s: %w", name, bucket, err)
	}
	return nil
}
