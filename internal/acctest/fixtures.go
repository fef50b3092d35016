package acctest

import (
	"context"
	"fmt"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// PublishOption changes what PublishVersion publishes.
type PublishOption func(*publish.Options)

// WithFingerprint sets the version's fingerprint (default: a fresh ULID
// chosen by the publisher, as Packer does).
func WithFingerprint(fingerprint string) PublishOption {
	return func(o *publish.Options) { o.Fingerprint = fingerprint }
}

// WithBuilds replaces the default build (one AWS AMI in us-east-1).
func WithBuilds(builds ...publish.Build) PublishOption {
	return func(o *publish.Options) { o.Builds = builds }
}

// WithChannels assigns the new version to these channels after publishing,
// as hcp_packer_registry.channels does.
func WithChannels(channels ...string) PublishOption {
	return func(o *publish.Options) { o.Channels = channels }
}

// WithParent records the version as built from a parent version (and the
// channel it was read from, if any), which makes it a descendant.
func WithParent(versionID, channelID string) PublishOption {
	return func(o *publish.Options) {
		o.ParentVersionID = versionID
		o.ParentChannelID = channelID
	}
}

// AMIBuild is a build of one AWS AMI in region, with a random AMI id.
func AMIBuild(region string) publish.Build {
	return publish.Build{
		ComponentType:      "amazon-ebs.ubuntu",
		Platform:           "aws",
		Region:             region,
		ExternalIdentifier: "ami-" + tfacctest.RandStringFromCharSet(17, hexDigits),
	}
}

// PublishVersion records a complete version in bucket (creating the bucket if
// needed) through the API, exactly as `packer build` would, and returns what
// was published. The bucket is deleted when the test ends.
func PublishVersion(t testing.TB, bucket string, opts ...PublishOption) *publish.Result {
	t.Helper()
	res, err := PublishAs(t, Server(t).Principal(RoleContributor), bucket, opts...)
	if err != nil {
		t.Fatalf("acctest: publish a version to bucket %q: %v", bucket, err)
	}
	return res
}

// PublishAs publishes as PublishVersion does, but as principal p, through
// the code `localhcp publish` runs, and returns the error instead of
// failing the test, for tests of who may publish. A bucket it may have
// created is deleted when the test ends.
func PublishAs(t testing.TB, p localhcp.Principal, bucket string, opts ...PublishOption) (*publish.Result, error) {
	t.Helper()
	o := publish.Options{Bucket: bucket, Builds: []publish.Build{AMIBuild("us-east-1")}}
	for _, opt := range opts {
		opt(&o)
	}
	deleteBucketAtCleanup(t, bucket)
	return publish.Publish(context.Background(), append(Server(t).EnvFor(p), "HOME="+harness.home), o)
}

// CreateBucket creates an empty bucket outside Terraform and deletes it when
// the test ends.
func CreateBucket(t testing.TB, name string) *client.Bucket {
	t.Helper()
	c := Client(t)
	b, err := c.CreateBucket(context.Background(), Location(t), client.BucketInput{Name: name})
	if err != nil {
		t.Fatalf("acctest: create bucket %q: %v", name, err)
	}
	deleteBucketAtCleanup(t, name)
	return b
}

// CreateChannel creates a channel outside Terraform, assigned to fingerprint
// unless it is empty.
func CreateChannel(t testing.TB, bucket, name, fingerprint string) *client.Channel {
	t.Helper()
	ch, err := Client(t).CreateChannel(context.Background(), Location(t), bucket,
		client.ChannelInput{Name: name, VersionFingerprint: fingerprint})
	if err != nil {
		t.Fatalf("acctest: create channel %q in bucket %q: %v", name, bucket, err)
	}
	return ch
}

// RevokeVersion revokes a version through the API, as an operator would
// outside Terraform.
func RevokeVersion(t testing.TB, bucket, fingerprint string, r client.Revocation) *client.Version {
	t.Helper()
	v, err := Client(t).RevokeVersion(context.Background(), Location(t), bucket, fingerprint, r)
	if err != nil {
		t.Fatalf("acctest: revoke version %q of bucket %q: %v", fingerprint, bucket, err)
	}
	return v
}

// deleteBucketAtCleanup removes a bucket a test created outside Terraform,
// whatever the test did to it meanwhile.
func deleteBucketAtCleanup(t testing.TB, name string) {
	t.Cleanup(func() {
		err := Client(t).DeleteBucket(context.Background(), Location(t), name)
		if err != nil && !client.IsNotFound(err) {
			t.Errorf("acctest: delete bucket %q at cleanup: %v", name, err)
		}
	})
}

// hexDigits are the characters of AMI ids after "ami-".
const hexDigits = "0123456789abcdef"

// nameSuffixLength gives 35^10 suffixes (the library's alphanumeric set
// lacks one digit): collisions between the tests of one run are out of the
// question, and names stay short enough for tests to append "-gone" and the
// like.
const nameSuffixLength = 10

// maxNamePrefix is the longest prefix RandomName takes: HCP names have at
// most 36 characters.
const maxNamePrefix = 36 - 1 - nameSuffixLength

// RandomName returns prefix, a hyphen and a random suffix from
// terraform-plugin-testing's RandStringFromCharSet, held to HCP's rule for
// bucket and channel names. The library's alphanumeric set (lower-case
// letters and digits) keeps the characters valid, but the library does not
// bound the length: RandomName refuses a prefix that makes a name longer than
// 36 characters, so a test fails here, at its cause, rather than at HCP's
// validation. The prefix must start with a letter or digit.
func RandomName(prefix string) string {
	if len(prefix) > maxNamePrefix {
		panic(fmt.Sprintf("acctest.RandomName: prefix %q is longer than %d characters", prefix, maxNamePrefix))
	}
	return prefix + "-" + tfacctest.RandStringFromCharSet(nameSuffixLength, tfacctest.CharSetAlphaNum)
}
