package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/go-openapi/runtime"
	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

var publishCommand = command{
	name:     "publish",
	synopsis: "--bucket NAME [flags]",
	about: `Records one build through the HCP API configured by the HCP_* environment, with
the calls ` + "`packer build`" + ` makes, retrying as the provider does. Prints the
fingerprint and version name. Publishing a fingerprint again whose version is
complete with the same build succeeds and points the channels at it again.
`,
}

type publishFlags struct {
	bucket, fingerprint, platform, region, externalID, componentType string
	bucketDescription, parentVersion, parentChannel                  string
	createChannels                                                   bool
	labels, channels                                                 repeated
}

func newPublishFlags(fs *flag.FlagSet) *publishFlags {
	f := &publishFlags{}
	fs.StringVar(&f.bucket, "bucket", "", "bucket `NAME` (required); created when missing")
	fs.StringVar(&f.fingerprint, "fingerprint", "", "version `FINGERPRINT`; default a fresh ULID, as Packer generates")
	fs.StringVar(&f.platform, "platform", "null", "`PLATFORM` of the build, e.g. aws")
	fs.StringVar(&f.region, "region", "null", "`REGION` of the artifact, e.g. us-east-1")
	fs.StringVar(&f.externalID, "external-id", "Null", "the cloud image `ID`, e.g. ami-0abc…")
	fs.StringVar(&f.componentType, "component-type", "null.example", "Packer source of the build, `TYPE.NAME`")
	fs.Var(&f.labels, "label", "build label `KEY=VALUE`; repeat for more")
	fs.Var(&f.channels, "channel", "channel `NAME` to point at the new version, as Packer's hcp_packer_registry.channels;\nrepeat for more")
	fs.BoolVar(&f.createChannels, "create-channels", false, "create missing --channel channels first (Packer itself never does)")
	fs.StringVar(&f.parentVersion, "parent-version-id", "", "`ID` of the version whose image this build started from")
	fs.StringVar(&f.parentChannel, "parent-channel-id", "", "`ID` of the channel that parent version was taken from")
	fs.StringVar(&f.bucketDescription, "bucket-description", "", "`TEXT` describing the bucket")
	return f
}

func publishCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := publishCommand.newFlagSet(stderr)
	f := newPublishFlags(fs)
	if code, done := publishCommand.parse(fs, args, stdout, stderr); done {
		return code
	}
	if f.bucket == "" {
		return publishCommand.usageError(stderr, "--bucket is required: name the bucket to record the build in")
	}
	labelMap := map[string]string{}
	for _, l := range f.labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return publishCommand.usageError(stderr, "--label %q must be KEY=VALUE", l)
		}
		labelMap[k] = v
	}
	res, err := publish.Publish(ctx, environ(getenv), publish.Options{
		Bucket: f.bucket, Fingerprint: f.fingerprint, Channels: f.channels, CreateChannels: f.createChannels,
		ParentVersionID: f.parentVersion, ParentChannelID: f.parentChannel, BucketDescription: f.bucketDescription,
		Builds: []publish.Build{{
			ComponentType: f.componentType, Platform: f.platform, Region: f.region,
			ExternalIdentifier: f.externalID, Labels: labelMap,
		}},
		Runtime: providerRuntime,
	})
	if err != nil {
		fmt.Fprintln(stderr, "localhcp publish:", err)
		return 1
	}
	fmt.Fprintf(stdout, "fingerprint=%s\nversion=%s\nversion_id=%s\n", res.Fingerprint, res.VersionName, res.VersionID)
	return 0
}

// providerRuntime sends the commands' calls through the provider's transport,
// so they are retried by the provider's rules.
func providerRuntime(apiAddress string, apiTLS *tls.Config, tokens oauth2.TokenSource, clientSecret string) runtime.ClientTransport {
	return client.NewRuntime(apiAddress, apiTLS, tokens, "localhcp-publish", clientSecret)
}

// environ rebuilds the HCP_* part of the environment from getenv.
func environ(getenv func(string) string) []string {
	var out []string
	for _, k := range []string{
		"HCP_CLIENT_ID", "HCP_CLIENT_SECRET", "HCP_AUTH_URL", "HCP_AUTH_TLS", "HCP_API_ADDRESS",
		"HCP_API_HOST", "HCP_API_TLS", "HCP_ORGANIZATION_ID", "HCP_PROJECT_ID",
	} {
		if v := getenv(k); v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}
