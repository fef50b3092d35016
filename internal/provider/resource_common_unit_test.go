package provider

import (
	"context"
	"slices"
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
	tests := []struct {
		id          string
		wantProject string
		wantParts   []string
		wantOK      bool
	}{
		{"web:stable", "", []string{"web", "stable"}, true},
		{"p-1:web:stable", "p-1", []string{"web", "stable"}, true},
		{"web", "", nil, false},
		{"a:b:c:d", "", nil, false},
		{"web:", "", nil, false},
		{":web:stable", "", nil, false},
		{"", "", nil, false},
	}
	for _, tt := range tests {
		project, parts, ok := splitImportID(tt.id, ":", 2)
		if ok != tt.wantOK || project != tt.wantProject || !slices.Equal(parts, tt.wantParts) {
			t.Errorf("splitImportID(%q) = %q, %q, %v; want %q, %q, %v",
				tt.id, project, parts, ok, tt.wantProject, tt.wantParts, tt.wantOK)
		}
	}
}

func TestStateTime(t *testing.T) {
	t.Parallel()
	if got := stateTime(time.Time{}); !got.IsNull() {
		t.Errorf("zero time = %v, want null", got)
	}
	if got := stateTimePtr(nil); !got.IsNull() {
		t.Errorf("nil time = %v, want null", got)
	}
	at := time.Date(2030, 1, 2, 17, 4, 5, 123456789, time.FixedZone("CEST", 2*3600))
	if got, want := stateTime(at), types.StringValue("2030-01-02T15:04:05.123Z"); !got.Equal(want) {
		t.Errorf("stateTime = %v, want %v", got, want)
	}
}
