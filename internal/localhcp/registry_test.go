package localhcp_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-operation/stable/2020-05-05/client/operation_service"
	ps "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

func TestRegistryEndpoints(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")

	get := ps.NewPackerServiceGetRegistryParams()
	get.LocationOrganizationID, get.LocationProjectID = c.org, c.project
	reg, err := c.pk.PackerServiceGetRegistry(get, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := reg.Payload.Registry
	if r == nil || r.ID == "" || !r.Config.Activated || *r.Config.FeatureTier != "PLUS" || r.Location.ProjectID != c.project {
		t.Fatalf("registry = %+v config %+v", r, r.Config)
	}

	create := ps.NewPackerServiceCreateRegistryParams()
	create.LocationOrganizationID, create.LocationProjectID = c.org, c.project
	create.Body = &models.HashicorpCloudPacker20230101CreateRegistryBody{FeatureTier: models.HashicorpCloudPacker20230101RegistryConfigTierSTANDARD.Pointer()}
	_, err = c.pk.PackerServiceCreateRegistry(create, nil)
	wantCode(t, err, 409, 6)

	// Deactivated, the registry refuses Packer calls; reactivated, it serves again.
	update := ps.NewPackerServiceUpdateRegistryParams()
	update.LocationOrganizationID, update.LocationProjectID = c.org, c.project
	update.Body = &models.HashicorpCloudPacker20230101UpdateRegistryBody{UpdateMask: "activated"}
	up, err := c.pk.PackerServiceUpdateRegistry(update, nil)
	if err != nil || up.Payload.Registry.Config.Activated || up.Payload.Operation.ID == "" {
		t.Fatalf("deactivate = %+v, %v", up, err)
	}
	waitOperation(t, c, up.Payload.Operation.ID)
	wantCode(t, check(c.listBuckets(0, "")).err, 400, 9)
	update.Body = &models.HashicorpCloudPacker20230101UpdateRegistryBody{UpdateMask: "activated,featureTier", Activated: true,
		FeatureTier: models.HashicorpCloudPacker20230101RegistryConfigTierSTANDARD.Pointer()}
	up, err = c.pk.PackerServiceUpdateRegistry(update, nil)
	if err != nil || !up.Payload.Registry.Config.Activated || *up.Payload.Registry.Config.FeatureTier != "STANDARD" {
		t.Fatalf("reactivate = %+v, %v", up, err)
	}
	check(c.listBuckets(0, "")).ok(t)

	del := ps.NewPackerServiceDeleteRegistryParams()
	del.LocationOrganizationID, del.LocationProjectID = c.org, c.project
	if _, err := c.pk.PackerServiceDeleteRegistry(del, nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.pk.PackerServiceGetRegistry(get, nil)
	wantCode(t, err, 404, 5)
	wantCode(t, check(c.listBuckets(0, "")).err, 404, 5)
	cr, err := c.pk.PackerServiceCreateRegistry(create, nil)
	if err != nil || *cr.Payload.Registry.Config.FeatureTier != "STANDARD" {
		t.Fatalf("recreate = %+v, %v", cr, err)
	}
}

func TestRunTaskAndEnforcedBlocksAndSBOM(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	res := pub(t, srv, publish.Options{Bucket: "extras"})

	rt := ps.NewPackerServiceGetRegistryTFCRunTaskAPIParams()
	rt.LocationOrganizationID, rt.LocationProjectID, rt.TaskType = c.org, c.project, "validation"
	api, err := c.pk.PackerServiceGetRegistryTFCRunTaskAPI(rt, nil)
	if err != nil || api.Payload.APIURL == "" || len(api.Payload.HmacKey) < 32 {
		t.Fatalf("run task api = %+v, %v", api, err)
	}
	// HCP gives viewers no part in managing the registry, and the HMAC
	// key is its secret: a viewer may neither read nor regenerate it.
	viewer := clientsFor(t, srv, "viewer")
	_, err = viewer.pk.PackerServiceGetRegistryTFCRunTaskAPI(rt, nil)
	if msg := wantCode(t, err, 403, 7); !strings.Contains(msg, "HMAC key") {
		t.Fatalf("viewer's refusal %q does not say why", msg)
	}
	regen := ps.NewPackerServiceRegenerateTFCRunTaskHmacKeyParams()
	regen.LocationOrganizationID, regen.LocationProjectID = c.org, c.project
	_, err = viewer.pk.PackerServiceRegenerateTFCRunTaskHmacKey(regen, nil)
	wantCode(t, err, 403, 7)
	key, err := c.pk.PackerServiceRegenerateTFCRunTaskHmacKey(regen, nil)
	if err != nil || key.Payload.HmacKey == api.Payload.HmacKey {
		t.Fatalf("regenerate = %+v, %v", key, err)
	}

	eb := ps.NewPackerServiceGetEnforcedBlocksByBucketParams()
	eb.LocationOrganizationID, eb.LocationProjectID, eb.BucketName = c.org, c.project, "extras"
	blocks, err := c.pk.PackerServiceGetEnforcedBlocksByBucket(eb, nil)
	if err != nil || blocks.Payload.EnforcedBlockDetail == nil || len(blocks.Payload.EnforcedBlockDetail) != 0 {
		t.Fatalf("enforced blocks = %+v, %v", blocks, err)
	}
	eb.BucketName = "missing"
	_, err = c.pk.PackerServiceGetEnforcedBlocksByBucket(eb, nil)
	wantCode(t, err, 404, 5)

	up := ps.NewPackerServiceUploadSbomParams()
	up.LocationOrganizationID, up.LocationProjectID, up.BucketName, up.Fingerprint, up.BuildID = c.org, c.project, "extras", res.Fingerprint, res.BuildIDs[0]
	up.Body = &models.HashicorpCloudPacker20230101UploadSbomBody{Name: "os", Format: models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX.Pointer(), CompressedSbom: []byte("{}")}
	sb, err := c.pk.PackerServiceUploadSbom(up, nil)
	if err != nil || sb.Payload.Sbom.Name != "os" {
		t.Fatalf("upload sbom = %+v, %v", sb, err)
	}
	up.Body.Format = nil
	_, err = c.pk.PackerServiceUploadSbom(up, nil)
	wantCode(t, err, 400, 3)
}

func TestListOperations(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	c := clientsFor(t, srv, "contributor")
	res := pub(t, srv, publish.Options{Bucket: "ops"})
	var ids []string
	for _, in := range []string{"1h", "2h"} {
		r := check(c.updateVersion("ops", res.Fingerprint, &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: in})).ok(t)
		ids = append(ids, r.Operation.ID)
	}
	p := operation_service.NewListParams()
	p.LocationOrganizationID, p.LocationProjectID = c.org, c.project
	list, err := c.ops.List(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	ops := list.Payload.Operations
	if len(ops) != 2 || ops[0].ID != ids[1] || ops[1].ID != ids[0] || ops[0].Link == nil || ops[0].Link.ID != res.VersionID {
		t.Fatalf("operations = %+v", ops)
	}
}
