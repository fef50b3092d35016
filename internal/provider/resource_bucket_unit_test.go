package provider

import "testing"

func TestParseBucketImportID(t *testing.T) {
	t.Parallel()
	const project = "4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88"
	tests := []struct {
		id          string
		wantProject string
		wantName    string
		wantOK      bool
	}{
		{"web", "", "web", true},
		{"packer/project/" + project + "/bucket/web", project, "web", true},
		{"packer/project//bucket/web", "", "", false},
		{"packer/project/tfb/bucket/web", "", "", false},
		{"packer/project/4F1E6C52-5A1C-4A5F-9F6E-0C3B1D2A7E88/bucket/web", "", "", false},
		{"packer/project/" + project + "/bucket/", "", "", false},
		{"packer/project/" + project + "/channel/web", "", "", false},
		{"packer/project/" + project + "/bucket/web/extra", "", "", false},
		{"project/" + project + "/bucket/web", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		project, name, ok := parseBucketImportID(tt.id)
		if ok != tt.wantOK || project != tt.wantProject || name != tt.wantName {
			t.Errorf("parseBucketImportID(%q) = %q, %q, %v; want %q, %q, %v",
				tt.id, project, name, ok, tt.wantProject, tt.wantName, tt.wantOK)
		}
	}
}
