package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestProviderSchemaIsValid(t *testing.T) {
	t.Parallel()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatal(diags)
	}
	secret, ok := resp.Schema.Attributes["client_secret"]
	if !ok || !secret.IsSensitive() {
		t.Errorf("client_secret must exist and be sensitive")
	}
	block, ok := resp.Schema.Blocks["workload_identity"].(schema.ListNestedBlock)
	if !ok {
		t.Fatal("workload_identity must be a list block")
	}
	if token, ok := block.NestedObject.Attributes["token"]; !ok || !token.IsSensitive() {
		t.Errorf("workload_identity.token must exist and be sensitive")
	}
}

func TestUnknownProviderSettings(t *testing.T) {
	t.Parallel()
	cfg := providerModel{
		ClientID:       types.StringValue("id"),
		ClientSecret:   types.StringUnknown(),
		CredentialFile: types.StringNull(),
		ProjectID:      types.StringUnknown(),
		OrganizationID: types.StringNull(),
	}
	if got, want := unknownProviderSettings(cfg, nil), []string{"client_secret", "project_id"}; !slices.Equal(got, want) {
		t.Errorf("unknownProviderSettings = %v, want %v", got, want)
	}

	w := &workloadIdentityModel{ResourceName: types.StringValue("iam/project/p/service-principal/s/workload-identity-provider/w"),
		TokenFile: types.StringNull(), Token: types.StringUnknown()}
	if got, want := unknownProviderSettings(providerModel{}, w), []string{"workload_identity.token"}; !slices.Equal(got, want) {
		t.Errorf("unknownProviderSettings with an unknown token = %v, want %v", got, want)
	}
	whole := providerModel{WorkloadIdentity: types.ListUnknown(types.ObjectType{})}
	if got, want := unknownProviderSettings(whole, nil), []string{"workload_identity"}; !slices.Equal(got, want) {
		t.Errorf("unknownProviderSettings with an unknown block = %v, want %v", got, want)
	}
	if got, want := settingPath("workload_identity.token").String(), "workload_identity[0].token"; got != want {
		t.Errorf("settingPath = %s, want %s", got, want)
	}
}
