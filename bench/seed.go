package main

import (
	"context"
	"fmt"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// seedRegistry publishes the registry every configuration reads, the way
// packer build does: benchBuckets buckets with benchVersions complete
// versions each, "stable" on the first version and "dev" on the second.
func seedRegistry(ctx context.Context, env []string) ([]fixtureBucket, error) {
	var buckets []fixtureBucket
	for b := range benchBuckets {
		fb := fixtureBucket{Name: fmt.Sprintf("bench-app-%d", b)}
		for v := range benchVersions {
			var channels []string
			if v < len(benchChannels)-1 { // every channel but the managed latest
				channels = []string{benchChannels[v]}
			}
			res, err := publish.Publish(ctx, env, publish.Options{
				Bucket:         fb.Name,
				Channels:       channels,
				CreateChannels: true,
				Builds: []publish.Build{{
					ComponentType:      "amazon-ebs.app",
					Platform:           benchPlatform,
					Region:             benchRegion,
					ExternalIdentifier: fmt.Sprintf("ami-%02d%02d", b, v),
					Labels:             map[string]string{"os": "linux"},
				}},
			})
			if err != nil {
				return nil, fmt.Errorf("seed version %d of bucket %s: %w", v+1, fb.Name, err)
			}
			fb.Fingerprints = append(fb.Fingerprints, res.Fingerprint)
		}
		buckets = append(buckets, fb)
	}
	return buckets, nil
}
