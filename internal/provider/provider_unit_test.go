package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
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
	if got, want := unknownProviderSettings(cfg), []string{"client_secret", "project_id"}; !slices.Equal(got, want) {
		t.Errorf("unknownProviderSettings = %v, want %v", got, want)
	}
}
