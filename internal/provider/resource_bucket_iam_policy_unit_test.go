package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// policyAPI serves one bucket IAM policy and counts the writes. It shapes
// what an acceptance test cannot time: a binding that appears after
// Terraform's last plan of the policy and before its create.
type policyAPI struct {
	client.API
	policy client.IAMPolicy
	writes int
}

func (f *policyAPI) ResolveLocation(context.Context, string) (client.Location, error) {
	return client.Location{OrganizationID: fakeOrganizationID, ProjectID: fakeProjectID}, nil
}

func (f *policyAPI) GetBucketIAMPolicy(context.Context, client.Location, string) (*client.IAMPolicy, error) {
	p := f.policy
	return &p, nil
}

func (f *policyAPI) SetBucketIAMPolicy(_ context.Context, _ client.Location, _ string, p client.IAMPolicy) (*client.IAMPolicy, error) {
	f.writes++
	f.policy = p
	return &p, nil
}

func TestBucketIAMPolicyCreateKeepsABindingThatAppearedAfterThePlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api := &policyAPI{policy: client.IAMPolicy{Etag: "e1", Bindings: []client.IAMBinding{{
		Role: "roles/contributor", Members: []client.IAMMember{{ID: "packer-1", Type: client.MemberTypeServicePrincipal}},
	}}}}
	r := newBucketIAMPolicyResource()
	r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: &providerData{client: api}}, &resource.ConfigureResponse{})
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	plan := tfsdk.Plan{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
	if d := plan.Set(ctx, &bucketIAMPolicyModel{
		BucketName: types.StringValue("web"), ProjectID: types.StringValue(fakeProjectID),
		PolicyData:     types.StringValue(`{"bindings":[{"role_id":"roles/viewer","members":[{"member_id":"terraform-1"}]}]}`),
		OrganizationID: types.StringUnknown(), ResourceName: types.StringUnknown(), ID: types.StringUnknown(), Etag: types.StringUnknown(),
	}); d.HasError() {
		t.Fatal(d)
	}
	resp := resource.CreateResponse{State: tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}}
	r.Create(ctx, resource.CreateRequest{Plan: plan}, &resp)

	if api.writes != 0 || !api.policy.HasMember("roles/contributor", "packer-1") {
		t.Fatalf("create wrote the policy %d times, leaving %+v: want no write", api.writes, api.policy.Bindings)
	}
	if resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("diagnostics = %v, want one error", resp.Diagnostics)
	}
	d := resp.Diagnostics.Errors()[0]
	for _, want := range []string{`bucket "web" was not written, so no binding was removed`, `roles/contributor → "packer-1"`, "policy_data"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("error %q: %q does not contain %q", d.Summary(), d.Detail(), want)
		}
	}
	if !resp.State.Raw.IsNull() {
		t.Errorf("a refused create left state %v", resp.State.Raw)
	}
}
