package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// TestRevocationRevokedFollowsTheClock checks that a scheduled revocation
// reads as not revoked before its time and revoked after it, with no call
// to the API in between: Read alone must flip `revoked`.
func TestRevocationRevokedFollowsTheClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 15, 4, 5, 0, time.UTC)
	v := &client.Version{ID: "01J", Fingerprint: "fp", Name: "v1", RevokeAt: &at, RevocationType: "MANUAL"}
	loc := client.Location{OrganizationID: "o", ProjectID: "p"}

	var m versionRevocationResourceModel
	if diags := m.fromAPI(loc, v, at.Add(-time.Second)); diags.HasError() {
		t.Fatal(diags)
	}
	if m.Revoked.ValueBool() {
		t.Errorf("revoked before revoke_at")
	}
	if diags := m.fromAPI(loc, v, at); diags.HasError() {
		t.Fatal(diags)
	}
	if !m.Revoked.ValueBool() {
		t.Errorf("not revoked at revoke_at")
	}
	if got, want := m.RevokeAt.ValueString(), "2030-01-02T15:04:05.000Z"; got != want {
		t.Errorf("revoke_at = %q, want %q", got, want)
	}
}

// TestRevocationKeepsConfiguredSpelling checks that a revoke_at written in
// another zone or without milliseconds is not replaced by the API's spelling,
// which Terraform would report as an inconsistent result.
func TestRevocationKeepsConfiguredSpelling(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 15, 4, 5, 0, time.UTC)
	v := &client.Version{RevokeAt: &at}
	for _, configured := range []string{"2030-01-02T17:04:05+02:00", "2030-01-02T15:04:05Z", "2030-01-02T15:04:05.000Z"} {
		m := versionRevocationResourceModel{RevokeAt: types.StringValue(configured)}
		m.fromAPI(client.Location{}, v, at)
		if m.RevokeAt.ValueString() != configured {
			t.Errorf("revoke_at %q became %q", configured, m.RevokeAt.ValueString())
		}
	}
	m := versionRevocationResourceModel{RevokeAt: types.StringValue("2031-01-01T00:00:00Z")}
	m.fromAPI(client.Location{}, v, at)
	if got, want := m.RevokeAt.ValueString(), "2030-01-02T15:04:05.000Z"; got != want {
		t.Errorf("a different instant was kept: got %q, want %q", got, want)
	}
}

func TestRFC3339Validator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value   types.String
		wantErr bool
	}{
		{types.StringValue("2030-01-02T15:04:05Z"), false},
		{types.StringValue("2030-01-02T15:04:05.123+02:00"), false},
		{types.StringValue("2030-01-02"), true},
		{types.StringValue("tomorrow"), true},
		{types.StringNull(), false},
		{types.StringUnknown(), false},
	}
	for _, tt := range tests {
		var resp validator.StringResponse
		rfc3339Validator{}.ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("revoke_at"), ConfigValue: tt.value}, &resp)
		if resp.Diagnostics.HasError() != tt.wantErr {
			t.Errorf("%v: error = %v, want %v", tt.value, resp.Diagnostics, tt.wantErr)
		}
	}
}

func TestRevokeInPattern(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"30d": true, "2h45m": true, "0s": true, "90s": true,
		"": false, "1w": false, "-1h": false, "1.5h": false, "h": false, "30": false,
	} {
		if got := revokeInPattern.MatchString(in); got != want {
			t.Errorf("revokeInPattern(%q) = %v, want %v", in, got, want)
		}
	}
}
