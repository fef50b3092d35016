package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestResourceSchemasAreValid catches schema mistakes the framework only
// reports at run time, such as a default on a non-computed attribute.
func TestResourceSchemasAreValid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, newResource := range (&hcpPackerProvider{}).Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "hcppacker"}, &meta)
		t.Run(meta.TypeName, func(t *testing.T) {
			t.Parallel()
			var resp resource.SchemaResponse
			r.Schema(ctx, resource.SchemaRequest{}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("Schema: %v", resp.Diagnostics)
			}
			if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
				t.Fatalf("ValidateImplementation: %v", diags)
			}
			for name, a := range resp.Schema.Attributes {
				if a.GetMarkdownDescription() == "" {
					t.Errorf("attribute %q has no MarkdownDescription", name)
				}
			}
			if _, ok := resp.Schema.Attributes["project_id"]; !ok {
				t.Errorf("resource has no project_id")
			}
		})
	}
}

func TestSplitImportID(t *testing.T) {
	t.Parallel()
	const project = "4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88"
	tests := []struct {
		id                                string
		wantProject, wantBucket, wantName string
		wantOK                            bool
	}{
		{"web:stable", "", "web", "stable", true},
		{project + ":web:stable", project, "web", "stable", true},
		// A project part that is not a project id is a malformed id, not
		// a project to look up.
		{"tfb:stable:extra", "", "", "", false},
		{"4F1E6C52-5A1C-4A5F-9F6E-0C3B1D2A7E88:web:stable", "", "", "", false},
		{"web", "", "", "", false},
		{"a:b:c:d", "", "", "", false},
		{"web:", "", "", "", false},
		{":web:stable", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		project, bucket, name, ok := splitImportID(tt.id)
		if ok != tt.wantOK || project != tt.wantProject || bucket != tt.wantBucket || name != tt.wantName {
			t.Errorf("splitImportID(%q) = %q, %q, %q, %v; want %q, %q, %q, %v",
				tt.id, project, bucket, name, ok, tt.wantProject, tt.wantBucket, tt.wantName, tt.wantOK)
		}
	}
}

func TestStateTime(t *testing.T) {
	t.Parallel()
	if got := stateTime(time.Time{}); !got.IsNull() {
		t.Errorf("zero time = %v, want null", got)
	}
	at := time.Date(2030, 1, 2, 17, 4, 5, 123456789, time.FixedZone("CEST", 2*3600))
	if got, want := stateTime(at), types.StringValue("2030-01-02T15:04:05.123Z"); !got.Equal(want) {
		t.Errorf("stateTime = %v, want %v", got, want)
	}
}
