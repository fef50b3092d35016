package client

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
)

// decodeVersion decodes JSON the way the SDK does: into its model, through
// strfmt's date-time parser.
func decodeVersion(t *testing.T, js string) *models.HashicorpCloudPacker20230101Version {
	t.Helper()
	var m models.HashicorpCloudPacker20230101Version
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("decoding %s: %v", js, err)
	}
	return &m
}

func TestVersionRevokeAt(t *testing.T) {
	t.Parallel()
	ms := time.Date(2025, 6, 1, 8, 30, 15, 123_000_000, time.UTC)
	tests := []struct {
		name string
		json string
		want *time.Time
	}{
		{"absent", `{"id":"v","fingerprint":"f"}`, nil},
		{"null", `{"id":"v","fingerprint":"f","revoke_at":null}`, nil},
		{"empty string decodes to the epoch", `{"id":"v","fingerprint":"f","revoke_at":""}`, nil},
		{"epoch", `{"id":"v","fingerprint":"f","revoke_at":"1970-01-01T00:00:00.000Z"}`, nil},
		{"zero (year 1)", `{"id":"v","fingerprint":"f","revoke_at":"0001-01-01T00:00:00.000Z"}`, nil},
		{"set, with milliseconds", `{"id":"v","fingerprint":"f","revoke_at":"2025-06-01T08:30:15.123Z"}`, &ms},
		{"set with an offset becomes UTC", `{"id":"v","fingerprint":"f","revoke_at":"2025-06-01T10:30:15.123+02:00"}`, &ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := versionFromModel(decodeVersion(t, tt.json))
			switch {
			case tt.want == nil && v.RevokeAt != nil:
				t.Errorf("RevokeAt = %v, want nil", *v.RevokeAt)
			case tt.want != nil && v.RevokeAt == nil:
				t.Errorf("RevokeAt = nil, want %v", *tt.want)
			case tt.want != nil && (!v.RevokeAt.Equal(*tt.want) || v.RevokeAt.Location() != time.UTC):
				t.Errorf("RevokeAt = %v, want %v in UTC", *v.RevokeAt, *tt.want)
			}
		})
	}
}

func TestVersionFromModel(t *testing.T) {
	t.Parallel()
	v := versionFromModel(decodeVersion(t, `{
		"id":"01HV","bucket_name":"web","fingerprint":"fp1","name":"v3","author_id":"sp-1",
		"status":"VERSION_REVOKED","template_type":"HCL2","has_descendants":true,
		"revoke_at":"2025-01-02T03:04:05.006Z","revocation_message":"CVE","revocation_author":"sp-2",
		"revocation_type":"INHERITED",
		"revocation_inherited_from":{"bucket_name":"base","version_fingerprint":"bfp","version_id":"01HB","version_name":"v7"},
		"created_at":"2025-01-01T00:00:00.000Z","updated_at":"2025-01-02T00:00:00.000Z",
		"builds":[{"id":"01HBU","version_id":"01HV","component_type":"amazon-ebs.ubuntu","packer_run_uuid":"u-1",
			"platform":"aws","source_external_identifier":"ami-src","status":"BUILD_DONE","labels":{"os":"ubuntu"},
			"artifacts":[{"id":"01HA","external_identifier":"ami-1","region":"us-east-1","created_at":"2025-01-01T00:00:01.000Z"}],
			"created_at":"2025-01-01T00:00:00.000Z","updated_at":"2025-01-01T00:00:02.000Z"}]
	}`))
	if v.Name != "v3" || v.Status != VersionStatusRevoked || v.TemplateType != "HCL2" || !v.HasDescendants {
		t.Errorf("scalar fields: %+v", v)
	}
	if n, ok := v.IncrementalVersion(); !ok || n != 3 || !v.Complete() {
		t.Errorf("IncrementalVersion = %d, %v", n, ok)
	}
	if v.RevocationType != "INHERITED" || v.RevocationInheritedFrom == nil || v.RevocationInheritedFrom.VersionName != "v7" {
		t.Errorf("revocation: %+v, %+v", v.RevocationType, v.RevocationInheritedFrom)
	}
	if !v.Revoked(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !v.RevocationScheduled(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("Revoked/RevocationScheduled disagree with revoke_at")
	}
	if len(v.Builds) != 1 || len(v.Builds[0].Artifacts) != 1 {
		t.Fatalf("builds: %+v", v.Builds)
	}
	b := v.Builds[0]
	if b.Platform != "aws" || b.Status != BuildStatusDone || b.Labels["os"] != "ubuntu" || b.ComponentType != "amazon-ebs.ubuntu" {
		t.Errorf("build: %+v", b)
	}
	if a := b.Artifacts[0]; a.ExternalIdentifier != "ami-1" || a.Region != "us-east-1" || a.CreatedAt.Second() != 1 {
		t.Errorf("artifact: %+v", a)
	}
}

func TestVersionFromModelDefaults(t *testing.T) {
	t.Parallel()
	v := versionFromModel(decodeVersion(t, `{"id":"01HV","fingerprint":"fp","template_type":"TEMPLATE_TYPE_UNSET",
		"revocation_type":"REVOCATION_TYPE_UNSET","builds":[{"id":"b"}]}`))
	if v.Status != VersionStatusUnset || v.TemplateType != "" || v.RevocationType != "" || v.RevocationInheritedFrom != nil {
		t.Errorf("unset enums: %+v", v)
	}
	if v.Builds[0].Status != BuildStatusUnset {
		t.Errorf("build status = %q, want %q", v.Builds[0].Status, BuildStatusUnset)
	}
	if !v.CreatedAt.IsZero() {
		t.Errorf("CreatedAt = %v, want zero", v.CreatedAt)
	}
	for _, js := range []string{`{}`, `{"builds":[]}`} {
		if got := versionFromModel(decodeVersion(t, js)); got != nil {
			t.Errorf("versionFromModel(%s) = %+v, want nil (an unassigned channel)", js, got)
		}
	}
	if versionFromModel(nil) != nil {
		t.Error("versionFromModel(nil) != nil")
	}
}

func TestBucketFromModel(t *testing.T) {
	t.Parallel()
	loc := Location{OrganizationID: "org", ProjectID: "proj"}
	tests := []struct {
		name      string
		json      string
		wantCount int64
		wantLoc   Location
	}{
		{"count as a string", `{"name":"web","version_count":"12"}`, 12, loc},
		{"count absent", `{"name":"web"}`, 0, loc},
		{"count garbage", `{"name":"web","version_count":"many"}`, 0, loc},
		{"location from the answer", `{"name":"web","location":{"organization_id":"o2","project_id":"p2"}}`, 0,
			Location{OrganizationID: "o2", ProjectID: "p2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var m models.HashicorpCloudPacker20230101Bucket
			if err := json.Unmarshal([]byte(tt.json), &m); err != nil {
				t.Fatal(err)
			}
			b := bucketFromModel(&m, loc)
			if b.VersionCount != tt.wantCount {
				t.Errorf("VersionCount = %d, want %d", b.VersionCount, tt.wantCount)
			}
			if b.OrganizationID != tt.wantLoc.OrganizationID || b.ProjectID != tt.wantLoc.ProjectID {
				t.Errorf("location = %s/%s, want %+v", b.OrganizationID, b.ProjectID, tt.wantLoc)
			}
			if b.ResourceName() != "packer/project/"+tt.wantLoc.ProjectID+"/bucket/web" {
				t.Errorf("ResourceName() = %q", b.ResourceName())
			}
		})
	}
}

func TestChannelFromModel(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		json         string
		wantAssigned bool
	}{
		{`{"name":"stable","managed":false}`, false},
		{`{"name":"stable","version":null}`, false},
		{`{"name":"stable","version":{}}`, false},
		{`{"name":"latest","managed":true,"restricted":true,"version":{"id":"01HV","fingerprint":"fp","name":"v1"}}`, true},
	} {
		var m models.HashicorpCloudPacker20230101Channel
		if err := json.Unmarshal([]byte(tt.json), &m); err != nil {
			t.Fatal(err)
		}
		ch := channelFromModel(&m)
		if (ch.Version != nil) != tt.wantAssigned {
			t.Errorf("%s: assigned = %v, want %v", tt.json, ch.Version != nil, tt.wantAssigned)
		}
	}
}
