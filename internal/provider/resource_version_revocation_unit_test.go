package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
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
		m := versionRevocationResourceModel{RevokeAt: timetypes.NewRFC3339ValueMust(configured)}
		m.fromAPI(client.Location{}, v, at)
		if m.RevokeAt.ValueString() != configured {
			t.Errorf("revoke_at %q became %q", configured, m.RevokeAt.ValueString())
		}
	}
	m := versionRevocationResourceModel{RevokeAt: timetypes.NewRFC3339ValueMust("2031-01-01T00:00:00Z")}
	m.fromAPI(client.Location{}, v, at)
	if got, want := m.RevokeAt.ValueString(), "2030-01-02T15:04:05.000Z"; got != want {
		t.Errorf("a different instant was kept: got %q, want %q", got, want)
	}
}

// TestRevokeAtBounds checks that instants no revocation can mean are
// refused: the year-1 zero time the API reads as "not set", anything before
// the Unix epoch, and anything beyond the 100 years HCP Packer schedules.
func TestRevokeAtBounds(t *testing.T) {
	t.Parallel()
	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	tooFar := time.Now().Add(maxRevokeIn + 24*time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		value   types.String
		wantErr bool
	}{
		{types.StringValue(soon), false},
		{types.StringValue("2020-01-02T15:04:05.123+02:00"), false},
		{types.StringValue("1970-01-01T00:00:00Z"), false},
		{types.StringValue("0001-01-01T00:00:00Z"), true},
		{types.StringValue("0001-06-01T00:00:00Z"), true},
		{types.StringValue("1969-12-31T23:59:59Z"), true},
		{types.StringValue(tooFar), true},
		{types.StringValue("9999-12-31T23:59:59Z"), true},
		{types.StringNull(), false},
		{types.StringUnknown(), false},
	}
	for _, tt := range tests {
		var resp validator.StringResponse
		revokeAtBounds{}.ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("revoke_at"), ConfigValue: tt.value}, &resp)
		if resp.Diagnostics.HasError() != tt.wantErr {
			t.Errorf("%v: error = %v, want %v", tt.value, resp.Diagnostics, tt.wantErr)
		}
	}
}

// TestParseRevokeIn checks the sums, the 100-year bound and that values
// whose product or sum would wrap around are refused rather than wrapped.
func TestParseRevokeIn(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{
		"0s": 0, "30d": 30 * day, "2h45m": 2*time.Hour + 45*time.Minute, "36500d": maxRevokeIn,
		"36499d24h": maxRevokeIn, "90s": 90 * time.Second,
	} {
		if got, ok := parseRevokeIn(in); !ok || got != want {
			t.Errorf("parseRevokeIn(%q) = %v, %v; want %v, true", in, got, ok, want)
		}
	}
	for _, in := range []string{
		"36501d", "36500d1s", "200000d", "213504d", "3000000h", "9223372036854775807s",
		"99999999999999999999d", "36500d36500d", "1w", "",
	} {
		if got, ok := parseRevokeIn(in); ok {
			t.Errorf("parseRevokeIn(%q) = %v, true; want a refusal", in, got)
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

// TestRevocationImmediate checks which configurations revoke as soon as
// they are applied, which decides whether rollback can be disabled.
func TestRevocationImmediate(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(s string) timetypes.RFC3339 { return timetypes.NewRFC3339ValueMust(s) }
	tests := []struct {
		name string
		m    versionRevocationResourceModel
		want bool
	}{
		{"neither", versionRevocationResourceModel{RevokeIn: types.StringNull(), RevokeAt: timetypes.NewRFC3339Null()}, true},
		{"revoke_in 0s", versionRevocationResourceModel{RevokeIn: types.StringValue("0s"), RevokeAt: timetypes.NewRFC3339Null()}, true},
		{"revoke_in 1h", versionRevocationResourceModel{RevokeIn: types.StringValue("1h"), RevokeAt: timetypes.NewRFC3339Null()}, false},
		{"past revoke_at", versionRevocationResourceModel{RevokeIn: types.StringNull(), RevokeAt: at("2029-12-31T00:00:00Z")}, true},
		{"future revoke_at", versionRevocationResourceModel{RevokeIn: types.StringNull(), RevokeAt: at("2030-01-02T00:00:00Z")}, false},
		{"unknown revoke_in", versionRevocationResourceModel{RevokeIn: types.StringUnknown(), RevokeAt: timetypes.NewRFC3339Null()}, false},
	}
	for _, tt := range tests {
		if got := tt.m.immediate(now); got != tt.want {
			t.Errorf("%s: immediate = %v, want %v", tt.name, got, tt.want)
		}
	}
}
