package localhcp_test

import (
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	ps "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// uploadSBOM uploads an SPDX SBOM to a build of bucket "sbom".
func (c *sdk) uploadSBOM(fp, build, name string, content []byte) (*models.HashicorpCloudPacker20230101Sbom, error) {
	p := ps.NewPackerServiceUploadSbomParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.org, c.project, "sbom", fp, build
	p.Body = &models.HashicorpCloudPacker20230101UploadSbomBody{Name: name, Format: models.HashicorpCloudPacker20230101SbomFormatSPDX.Pointer(), CompressedSbom: content}
	r, err := c.pk.PackerServiceUploadSbom(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Sbom, nil
}

func (c *sdk) listSBOMs(bucket, fp, build string) ([]*models.HashicorpCloudPacker20230101Sbom, error) {
	p := ps.NewPackerServiceListSbomsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.org, c.project, bucket, fp, build
	r, err := c.pk.PackerServiceListSboms(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Sboms, nil
}

func (c *sdk) sbomLink(bucket, fp, build, name string) (string, error) {
	p := ps.NewPackerServiceGetSbomParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID, p.SbomName = c.org, c.project, bucket, fp, build, name
	r, err := c.pk.PackerServiceGetSbom(p, nil)
	if err != nil {
		return "", err
	}
	return r.Payload.DownloadURL, nil
}

// download fetches a link the way a browser or curl would: no bearer token.
func download(t *testing.T, link string) (int, string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestSBOMsCanBeListedAndDownloaded(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Now().UTC())
	srv := startServer(t, localhcp.Options{Now: clk.Now})
	writer := clientsFor(t, srv, "contributor")
	viewer := clientsFor(t, srv, "viewer")
	res := pub(t, srv, publish.Options{Bucket: "sbom"})
	fp, build := res.Fingerprint, res.BuildIDs[0]

	empty := check(viewer.listSBOMs("sbom", fp, build)).ok(t)
	if empty == nil || len(empty) != 0 {
		t.Fatalf("SBOMs before any upload = %+v", empty)
	}
	first := check(writer.uploadSBOM(fp, build, "os", []byte("first"))).ok(t)
	check(writer.uploadSBOM(fp, build, "app", []byte("app"))).ok(t)
	// A second upload under the same name replaces the first, id included.
	second := check(writer.uploadSBOM(fp, build, "os", []byte("second"))).ok(t)
	if second.ID == first.ID {
		t.Fatalf("replacing SBOM os kept id %s", first.ID)
	}

	list := check(viewer.listSBOMs("sbom", fp, build)).ok(t)
	if len(list) != 2 || list[0].Name != "app" || list[1].Name != "os" || list[1].ID != second.ID ||
		*list[1].Format != models.HashicorpCloudPacker20230101SbomFormatSPDX {
		t.Fatalf("SBOMs = %+v, want app then os with id %s", list, second.ID)
	}

	link := check(viewer.sbomLink("sbom", fp, build, "os")).ok(t)
	if status, body := download(t, link); status != 200 || body != "second" {
		t.Fatalf("download = %d %q, want the replacing upload", status, body)
	}
	if status, _ := download(t, strings.Replace(link, "signature=", "signature=0", 1)); status != 403 {
		t.Fatalf("download with a forged signature = %d, want 403", status)
	}
	clk.Advance(16 * time.Minute)
	if status, body := download(t, link); status != 403 || !strings.Contains(body, "expired") {
		t.Fatalf("download after the link expired = %d %s", status, body)
	}

	_, err := viewer.sbomLink("sbom", fp, build, "missing")
	wantCode(t, err, 404, 5)
	_, err = viewer.listSBOMs("sbom", fp, "01NOTABUILD")
	wantCode(t, err, 404, 5)
	_, err = viewer.uploadSBOM(fp, build, "os", []byte("viewer"))
	wantCode(t, err, 403, 7)
}
