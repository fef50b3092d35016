package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func publishCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("localhcp publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bucket := fs.String("bucket", "", "bucket name (required); created when missing")
	fingerprint := fs.String("fingerprint", "", "version fingerprint; default a fresh ULID, as Packer generates")
	platform := fs.String("platform", "null", "platform of the build, e.g. aws")
	region := fs.String("region", "null", "region of the artifact, e.g. us-east-1")
	externalID := fs.String("external-id", "Null", "the cloud image id, e.g. ami-0abc…")
	componentType := fs.String("component-type", "null.example", "Packer source of the build, type.name")
	bucketDescription := fs.String("bucket-description", "", "description for the bucket")
	parentVersion := fs.String("parent-version-id", "", "id of the version whose image this build started from")
	parentChannel := fs.String("parent-channel-id", "", "id of the channel that parent version was taken from")
	createChannels := fs.Bool("create-channels", false, "create missing --channel channels first (Packer itself never does)")
	var labels, channels repeated
	fs.Var(&labels, "label", "build label k=v; repeat for more")
	fs.Var(&channels, "channel", "channel to point at the new version, as Packer's hcp_packer_registry.channels; repeat for more")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: localhcp publish --bucket NAME [flags]\n\nRecords one build through the HCP API configured by the HCP_* environment,\nwith the calls `packer build` makes. Prints the fingerprint and version name.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *bucket == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	labelMap := map[string]string{}
	for _, l := range labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			fmt.Fprintf(stderr, "localhcp publish: --label %q must be key=value\n", l)
			return 2
		}
		labelMap[k] = v
	}
	res, err := publish.Publish(ctx, environ(getenv), publish.Options{
		Bucket: *bucket, Fingerprint: *fingerprint, Channels: channels, CreateChannels: *createChannels,
		ParentVersionID: *parentVersion, ParentChannelID: *parentChannel, BucketDescription: *bucketDescription,
		Builds: []publish.Build{{
			ComponentType: *componentType, Platform: *platform, Region: *region,
			ExternalIdentifier: *externalID, Labels: labelMap,
		}},
	})
	if err != nil {
		fmt.Fprintln(stderr, "localhcp publish:", err)
		return 1
	}
	fmt.Fprintf(stdout, "fingerprint=%s\nversion=%s\nversion_id=%s\n", res.Fingerprint, res.VersionName, res.VersionID)
	return 0
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
