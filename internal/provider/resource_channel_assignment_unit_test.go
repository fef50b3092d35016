package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
