package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const movedPolicyData = `{"bindings":[{"members":[{"member_id":"terraform-1a2b3c4d","member_type":"SERVICE_PRINCIPAL"}],"role_id":"roles/viewer"}]}`

func TestMoveStateMapsTheOfficialBucketIAMState(t *testing.T) {
	t.Parallel()
	const project = "4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88"
	resourceName := "packer/project/" + project + "/bucket/web"
	str, null := types.StringValue, types.StringNull()
	quotedData, _ := json.Marshal(movedPolicyData)
	cases := []struct {
		name       string
		resource   func() resource.Resource
		sourceType string
		raw        string
		want       any
	}{
		{
			name: "binding", resource: newBucketIAMBindingResource, sourceType: "hcp_packer_bucket_iam_binding",
			raw: `{"resource_name":"` + resourceName + `","principal_id":"terraform-1a2b3c4d","role":"roles/viewer"}`,
			want: &bucketIAMBindingModel{
				ID: str(project + ":web:roles/viewer:terraform-1a2b3c4d"), BucketName: str("web"), ProjectID: str(project),
				OrganizationID: null, ResourceName: str(resourceName), Role: str("roles/viewer"), PrincipalID: str("terraform-1a2b3c4d"),
			},
		},
		{
			name: "policy", resource: newBucketIAMPolicyResource, sourceType: "hcp_packer_bucket_iam_policy",
			raw: `{"resource_name":"` + resourceName + `","policy_data":` + string(quotedData) + `,"etag":"e1"}`,
			want: &bucketIAMPolicyModel{
				ID: str(resourceName), BucketName: str("web"), ProjectID: str(project), OrganizationID: null,
				ResourceName: str(resourceName), PolicyData: str(movedPolicyData), Etag: str("e1"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			got, diags := moveState(t, tc.resource(), officialRequest(tc.sourceType, []byte(tc.raw)))
			if diags.HasError() {
				t.Fatalf("move failed: %v", diags)
			}
			want := tfsdk.State{Schema: got.Schema, Raw: tftypes.NewValue(got.Schema.Type().TerraformType(ctx), nil)}
			if d := want.Set(ctx, tc.want); d.HasError() {
				t.Fatal(d)
			}
			if !got.Raw.Equal(want.Raw) {
				t.Errorf("moved state = %v, want %v", got.Raw, want.Raw)
			}
		})
	}
}

func TestMoveStateRefusesBucketIAMStateHcppackerCannotManage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, raw, want string }{
		{"no bucket resource name", `{"resource_name":"web","principal_id":"p","role":"roles/viewer"}`, `resource_name "web"`},
		{"owner role", `{"resource_name":"packer/project/4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88/bucket/web","principal_id":"p","role":"roles/owner"}`, `role "roles/owner"`},
		{"no principal", `{"resource_name":"packer/project/4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88/bucket/web","role":"roles/viewer"}`, "has no principal_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, diags := moveState(t, newBucketIAMBindingResource(), officialRequest("hcp_packer_bucket_iam_binding", []byte(tc.raw)))
			if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tc.want) {
				t.Fatalf("move of %s: %v, want an error naming %s", tc.name, diags, tc.want)
			}
		})
	}
}
