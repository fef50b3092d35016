package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// versionLookupFake answers GetVersion from a map; any other API call
// panics on the nil embedded interface, which flags an unexpected call.
type versionLookupFake struct {
	client.API
	versions map[string]*client.Version
}

func (f versionLookupFake) GetVersion(_ context.Context, _ client.Location, _, fingerprint string) (*client.Version, error) {
	if v, ok := f.versions[fingerprint]; ok {
		return v, nil
	}
	return nil, &client.Error{Op: "GetVersion", Code: codes.NotFound, HTTPStatus: 404, Message: "version not found"}
}

func TestAssignableVersion(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Minute), now.Add(time.Hour)
	api := versionLookupFake{versions: map[string]*client.Version{
		"good":      {Fingerprint: "good", Name: "v2", Status: client.VersionStatusActive},
		"running":   {Fingerprint: "running", Name: "v0", Status: client.VersionStatusRunning},
		"revoked":   {Fingerprint: "revoked", Name: "v1", Status: client.VersionStatusRevoked, RevokeAt: &past, RevocationMessage: "CVE-2030-1"},
		"scheduled": {Fingerprint: "scheduled", Name: "v3", Status: client.VersionStatusRevocationScheduled, RevokeAt: &future},
	}}
	r := &channelAssignmentResource{pd: &providerData{client: api, now: func() time.Time { return now }}}

	tests := []struct {
		fingerprint string
		wantSummary string   // "" for an assignable version
		wantDetail  []string // fragments the detail must name
	}{
		{"good", "", nil},
		{"scheduled", "", nil},
		// Revoked now, but the same apply may restore it first.
		{"revoked", "", nil},
		{"missing", "Version Not Found", []string{`"web"`, `"missing"`, `"stable"`}},
		{"running", "Version Not Complete", []string{`"running"`, "VERSION_RUNNING", `"stable"`}},
	}
	for _, tt := range tests {
		t.Run(tt.fingerprint, func(t *testing.T) {
			t.Parallel()
			plan := channelAssignmentResourceModel{
				BucketName:         types.StringValue("web"),
				ChannelName:        types.StringValue("stable"),
				VersionFingerprint: types.StringValue(tt.fingerprint),
			}
			var diags diag.Diagnostics
			v, ok := r.assignableVersion(context.Background(), client.Location{ProjectID: "p"}, plan, &diags)
			if tt.wantSummary == "" {
				if !ok || v == nil || diags.HasError() {
					t.Fatalf("want assignable, got ok=%v diags=%v", ok, diags)
				}
				return
			}
			if ok || len(diags.Errors()) != 1 {
				t.Fatalf("want one error, got ok=%v diags=%v", ok, diags)
			}
			d := diags.Errors()[0]
			if d.Summary() != tt.wantSummary {
				t.Errorf("summary = %q, want %q", d.Summary(), tt.wantSummary)
			}
			for _, frag := range tt.wantDetail {
				if !strings.Contains(d.Detail(), frag) {
					t.Errorf("detail %q does not mention %s", d.Detail(), frag)
				}
			}
		})
	}
}

func TestCheckNotManagedChannel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		channel, bucket string
		wantDetail      string // "" when the channel is allowed
	}{
		{"latest", "web", `Channel "latest" of bucket "web" is managed by HCP Packer`},
		{"latest", "", `Channel "latest" is managed by HCP Packer`},
		{"stable", "web", ""},
		{"latest-lts", "web", ""},
		{"Latest", "web", ""},
	}
	for _, tt := range tests {
		var diags diag.Diagnostics
		checkNotManagedChannel(path.Root("channel_name"), tt.channel, tt.bucket, &diags)
		if diags.HasError() != (tt.wantDetail != "") {
			t.Fatalf("checkNotManagedChannel(%q) error = %v, want %v", tt.channel, diags.HasError(), tt.wantDetail != "")
		}
		if tt.wantDetail == "" {
			continue
		}
		d := diags.Errors()[0]
		if d.Summary() != "Managed Channel Cannot Be Assigned" || !strings.HasPrefix(d.Detail(), tt.wantDetail) {
			t.Errorf("checkNotManagedChannel(%q, %q) = %q: %q, want the detail to start %q", tt.channel, tt.bucket, d.Summary(), d.Detail(), tt.wantDetail)
		}
		if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("channel_name")) {
			t.Errorf("the error must point at channel_name: %v", d)
		}
	}
}

// Unknown and null channel names are left for Terraform to validate once
// they are known.
func TestNotManagedChannelSkipsUnknownAndNull(t *testing.T) {
	t.Parallel()
	for _, v := range []types.String{types.StringUnknown(), types.StringNull()} {
		var resp validator.StringResponse
		notManagedChannel().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("channel_name"), ConfigValue: v}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("notManagedChannel refused %v: %v", v, resp.Diagnostics)
		}
	}
}
