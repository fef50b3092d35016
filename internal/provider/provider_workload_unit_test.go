package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestExactlyOneTokenValidator(t *testing.T) {
	t.Parallel()
	attrTypes := map[string]attr.Type{"resource_name": types.StringType, "token_file": types.StringType, "token": types.StringType}
	block := func(tokenFile, token types.String) types.Object {
		return types.ObjectValueMust(attrTypes, map[string]attr.Value{
			"resource_name": types.StringValue("iam/project/p/service-principal/s/workload-identity-provider/w"),
			"token_file":    tokenFile, "token": token,
		})
	}
	tests := []struct {
		name        string
		value       types.Object
		wantSummary string
	}{
		{name: "token_file", value: block(types.StringValue("/run/token"), types.StringNull())},
		{name: "token", value: block(types.StringNull(), types.StringValue("t"))},
		{name: "both", value: block(types.StringValue("/run/token"), types.StringValue("t")), wantSummary: "Conflicting Workload Identity Tokens"},
		{name: "neither", value: block(types.StringNull(), types.StringNull()), wantSummary: "Missing Workload Identity Token"},
		{name: "token unknown", value: block(types.StringValue("/run/token"), types.StringUnknown())},
		{name: "block unknown", value: types.ObjectUnknown(attrTypes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var resp validator.ObjectResponse
			exactlyOneTokenValidator{}.ValidateObject(context.Background(), validator.ObjectRequest{
				Path: path.Root("workload_identity").AtListIndex(0), ConfigValue: tt.value,
			}, &resp)
			switch {
			case tt.wantSummary == "" && resp.Diagnostics.HasError():
				t.Errorf("unexpected diagnostics: %v", resp.Diagnostics)
			case tt.wantSummary != "" && (resp.Diagnostics.ErrorsCount() != 1 || resp.Diagnostics.Errors()[0].Summary() != tt.wantSummary):
				t.Errorf("diagnostics %v, want one error %q", resp.Diagnostics, tt.wantSummary)
			}
		})
	}
}
