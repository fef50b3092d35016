package acctest

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
	"github.com/golden-image/terraform-provider-hcppacker/internal/hcptoken"
)

// StartVersion creates a version in bucket (creating the bucket if needed)
// and leaves it unfinished, as `packer build` does before its builds run:
// it has no builds and no incremental name. publish.Publish always finishes
// what it starts, and client.API cannot create versions, so this speaks the
// wire calls itself. The bucket is deleted when the test ends.
func StartVersion(t testing.TB, bucket string) (fingerprint string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	if _, err := Client(t).CreateBucket(ctx, Location(t), client.BucketInput{Name: bucket}); err != nil && !client.IsAlreadyExists(err) {
		t.Fatalf("acctest: create bucket %q: %v", bucket, err)
	}
	deleteBucketAtCleanup(t, bucket)

	fingerprint = "unfinished-" + tfacctest.RandString(12)
	body := map[string]any{"fingerprint": fingerprint, "template_type": "HCL2"}
	if err := postAsContributor(ctx, t, bucketPath(t, bucket)+"/versions", body); err != nil {
		t.Fatalf("acctest: create version %q in bucket %q: %v", fingerprint, bucket, err)
	}
	return fingerprint
}

// PublishRegionOnlyVersion records a complete version in bucket whose one
// build (platform, component type "null.example") has an artifact with a
// region and no external_identifier, as HCP accepts and some clients
// publish. publish.Publish always sends an image id, so this speaks the
// wire call itself. The bucket is deleted when the test ends.
func PublishRegionOnlyVersion(t testing.TB, bucket, platform, region string) (fingerprint string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fingerprint = StartVersion(t, bucket)
	body := map[string]any{
		"component_type": "null.example", "platform": platform, "status": "BUILD_DONE",
		"artifacts": []map[string]string{{"region": region}},
	}
	if err := postAsContributor(ctx, t, bucketPath(t, bucket)+"/versions/"+fingerprint+"/builds", body); err != nil {
		t.Fatalf("acctest: publish a region-only build to version %q of bucket %q: %v", fingerprint, bucket, err)
	}
	return fingerprint
}

func bucketPath(t testing.TB, bucket string) string {
	loc := Location(t)
	return fmt.Sprintf("/packer/2023-01-01/organizations/%s/projects/%s/buckets/%s",
		loc.OrganizationID, loc.ProjectID, url.PathEscape(bucket))
}

// postAsContributor POSTs body as JSON to path on the harness's localhcp
// with a contributor's token.
func postAsContributor(ctx context.Context, t testing.TB, path string, body any) error {
	srv := Server(t)
	// localhcp's certificate is self-signed and the server is this
	// process's own, bound to 127.0.0.1.
	httpClient := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // the test's own localhcp on 127.0.0.1
	}}
	p := srv.Principal(RoleContributor)
	token, err := hcptoken.Fetch(ctx, httpClient, srv.URL(), p.ClientID, p.ClientSecret)
	if err != nil {
		return fmt.Errorf("get a localhcp token: %w", err)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	return expectOK(httpClient.Do(req))
}

// expectOK turns anything but an HTTP 200 into an error carrying the body.
func expectOK(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, b)
	}
	return nil
}
