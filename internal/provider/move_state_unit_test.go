package provider

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const officialAddress = "registry.terraform.io/hashicorp/hcp"

// The ids in the fixture's state.
const (
	fixtureOrg     = "b9fca21d-fb46-44c0-8183-2ba5fcb7a5cf"
	fixtureProject = "1cd39de8-ba6e-4bb9-99f7-3f15ae15f1de"
	fixtureChannel = "01M8SJXM2PJJAHDPESWCCJYA1F"
)

// fixtureInstances returns the attributes of every resource instance in the
// state hashicorp/hcp v0.114.0 wrote, by resource type.
func fixtureInstances(t *testing.T) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/hashicorp-hcp-v0.114/v0.114.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				SchemaVersion int64          `json:"schema_version"`
				Attributes    map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &state); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range state.Resources {
		if len(r.Instances) != 1 || r.Instances[0].SchemaVersion != officialSchemaVersion {
			t.Fatalf("fixture resource %s: want one instance of schema version 0", r.Type)
		}
		out[r.Type] = r.Instances[0].Attributes
	}
	return out
}

// fixtureWith returns the fixture's attributes of sourceType as JSON, with
// changes applied (a nil value deletes the attribute).
func fixtureWith(t *testing.T, sourceType string, changes map[string]any) []byte {
	t.Helper()
	attrs := fixtureInstances(t)[sourceType]
	if attrs == nil {
		t.Fatalf("the fixture has no %s", sourceType)
	}
	for k, v := range changes {
		if v == nil {
			delete(attrs, k)
			continue
		}
		attrs[k] = v
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// moveState runs r's state movers as the framework does and returns the
// target state (null when no mover took the source) and the diagnostics.
func moveState(t *testing.T, r resource.Resource, req resource.MoveStateRequest) (tfsdk.State, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	var diags diag.Diagnostics
	for _, mover := range r.(resource.ResourceWithMoveState).MoveState(ctx) {
		resp := resource.MoveStateResponse{TargetState: tfsdk.State{
			Schema: sch.Schema,
			Raw:    tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil),
		}}
		mover.StateMover(ctx, req, &resp)
		diags.Append(resp.Diagnostics...)
		if diags.HasError() || !resp.TargetState.Raw.IsNull() {
			return resp.TargetState, diags
		}
	}
	return tfsdk.State{}, diags
}

func officialRequest(sourceType string, raw []byte) resource.MoveStateRequest {
	return resource.MoveStateRequest{
		SourceProviderAddress: officialAddress,
		SourceTypeName:        sourceType,
		SourceRawState:        &tfprotov6.RawState{JSON: raw},
	}
}

func TestMoveStateMapsTheOfficialState(t *testing.T) {
	t.Parallel()
	str := types.StringValue
	null := types.StringNull()
	noLabels := types.MapValueMust(types.StringType, map[string]attr.Value{})
	cases := []struct {
		name       string
		resource   func() resource.Resource
		sourceType string
		changes    map[string]any
		want       any
	}{
		{
			name: "bucket", resource: newBucketResource, sourceType: "hcp_packer_bucket",
			want: &bucketResourceModel{
				ID: null, Name: str("mvb2"), Description: str(""), Labels: noLabels, ForceDestroy: types.BoolValue(false),
				ProjectID: str(fixtureProject), OrganizationID: str(fixtureOrg),
				ResourceName:             str("packer/project/" + fixtureProject + "/bucket/mvb2"),
				LatestVersionFingerprint: null, CreatedAt: str("2026-12-01T19:57:15.738Z"), UpdatedAt: null,
			},
		},
		{
			name: "channel", resource: newChannelResource, sourceType: "hcp_packer_channel",
			want: &channelResourceModel{
				ID: str(fixtureChannel), BucketName: str("mvb"), Name: str("stable"), Restricted: types.BoolValue(false),
				ProjectID: str(fixtureProject), OrganizationID: str(fixtureOrg), Managed: types.BoolValue(false),
				AuthorID: str("contributor-6f9c41b1"), CreatedAt: str("2026-12-01T19:57:15.733Z"),
				UpdatedAt: str("2026-12-01T19:57:15.733Z"),
			},
		},
		{
			name: "restricted managed channel", resource: newChannelResource, sourceType: "hcp_packer_channel",
			changes: map[string]any{"name": "latest", "restricted": true, "managed": true},
			want: &channelResourceModel{
				ID: str(fixtureChannel), BucketName: str("mvb"), Name: str("latest"), Restricted: types.BoolValue(true),
				ProjectID: str(fixtureProject), OrganizationID: str(fixtureOrg), Managed: types.BoolValue(true),
				AuthorID: str("contributor-6f9c41b1"), CreatedAt: str("2026-12-01T19:57:15.733Z"),
				UpdatedAt: str("2026-12-01T19:57:15.733Z"),
			},
		},
		{
			name: "channel assignment", resource: newChannelAssignmentResource, sourceType: "hcp_packer_channel_assignment",
			want: &channelAssignmentResourceModel{
				ID: str(fixtureChannel), BucketName: str("mvb"), ChannelName: str("stable"),
				VersionFingerprint: str("fp2-mvb"), VersionName: null,
				ProjectID: str(fixtureProject), OrganizationID: str(fixtureOrg),
			},
		},
		{
			name: "unassigned channel assignment", resource: newChannelAssignmentResource,
			sourceType: "hcp_packer_channel_assignment", changes: map[string]any{"version_fingerprint": "none"},
			want: &channelAssignmentResourceModel{
				ID: str(fixtureChannel), BucketName: str("mvb"), ChannelName: str("stable"),
				VersionFingerprint: str("none"), VersionName: null,
				ProjectID: str(fixtureProject), OrganizationID: str(fixtureOrg),
			},
		},
		{
			name: "run task", resource: newRunTaskResource, sourceType: "hcp_packer_run_task",
			want: &runTaskResourceModel{
				ID: str(fixtureProject), ProjectID: str(fixtureProject), OrganizationID: str(fixtureOrg),
				EndpointURL: str("https://127.0.0.1:8443/packer/2023-01-01/organizations/" + fixtureOrg +
					"/projects/" + fixtureProject + "/runtasks/validation"),
				HMACKey: str("REDACTED-hmac-key-of-a-throwaway-localhcp"), RegenerateHMAC: types.BoolValue(false),
			},
		},
		{
			name: "run task without regenerate_hmac", resource: newRunTaskResource, sourceType: "hcp_packer_run_task",
			changes: map[string]any{"regenerate_hmac": nil, "endpoint_url": nil},
			want: &runTaskResourceModel{
				ID: str(fixtureProject), ProjectID: str(fixtureProject), OrganizationID: str(fixtureOrg),
				EndpointURL: null, HMACKey: str("REDACTED-hmac-key-of-a-throwaway-localhcp"),
				RegenerateHMAC: types.BoolValue(false),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			r := tc.resource()
			got, diags := moveState(t, r, officialRequest(tc.sourceType, fixtureWith(t, tc.sourceType, tc.changes)))
			if diags.HasError() {
				t.Fatalf("move failed: %v", diags)
			}
			want := tfsdk.State{Schema: got.Schema, Raw: tftypes.NewValue(got.Schema.Type().TerraformType(ctx), nil)}
			if d := want.Set(ctx, tc.want); d.HasError() {
				t.Fatal(d)
			}
			if !got.Raw.Equal(want.Raw) {
				t.Errorf("moved state =\n%s\nwant\n%s", got.Raw, want.Raw)
			}
		})
	}
}

func TestMoveStateAcceptsTheOfficialProviderOnAnyHost(t *testing.T) {
	t.Parallel()
	req := officialRequest("hcp_packer_channel", fixtureWith(t, "hcp_packer_channel", nil))
	req.SourceProviderAddress = "terraform.example.com/HashiCorp/hcp"
	got, diags := moveState(t, newChannelResource(), req)
	if diags.HasError() || got.Raw.IsNull() {
		t.Fatalf("move from %s: state %v, diagnostics %v", req.SourceProviderAddress, got.Raw, diags)
	}
}

func TestMoveStateRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		resource   func() resource.Resource
		provider   string
		sourceType string
		version    int64
		raw        func(t *testing.T) []byte // nil: the fixture's state of sourceType
		summary    string
		detail     []string // fragments of the one error's detail
	}{
		{
			name: "twin of another resource", resource: newChannelResource, sourceType: "hcp_packer_bucket",
			summary: "Unsupported Move Source",
			detail:  []string{"hcp_packer_bucket", "hcppacker_channel", "Move hcp_packer_bucket to hcppacker_bucket instead"},
		},
		{
			name: "official type without a counterpart", resource: newBucketResource, sourceType: "hcp_vault_cluster",
			raw:     func(*testing.T) []byte { return []byte(`{}`) },
			summary: "Unsupported Move Source",
			detail: []string{"no counterpart of hcp_vault_cluster", "keep it in hashicorp/hcp", "hcp_packer_channel_assignment",
				"hcp_packer_run_task"},
		},
		{
			name: "run task to another resource", resource: newBucketResource, sourceType: "hcp_packer_run_task",
			summary: "Unsupported Move Source",
			detail:  []string{"Move hcp_packer_run_task to hcppacker_run_task instead"},
		},
		{
			name: "another provider", resource: newBucketResource, provider: "registry.terraform.io/hashicorp/aws",
			sourceType: "aws_s3_bucket", summary: "Unsupported Move Source",
			detail: []string{"aws_s3_bucket of provider registry.terraform.io/hashicorp/aws", "import block"},
		},
		{
			name: "another hcppacker type", resource: newChannelResource,
			provider: "registry.terraform.io/golden-image/hcppacker", sourceType: "hcppacker_channel_assignment",
			summary: "Unsupported Move Source", detail: []string{"accepts only hcp_packer_channel of hashicorp/hcp"},
		},
		{
			name: "newer schema version", resource: newChannelAssignmentResource, sourceType: "hcp_packer_channel_assignment",
			version: 1, summary: "Unsupported Source Schema Version",
			detail: []string{"schema version 1", "import block and a removed block"},
		},
		{
			name: "flatmap state", resource: newBucketResource, sourceType: "hcp_packer_bucket",
			raw: func(*testing.T) []byte { return nil }, summary: "Malformed Source State",
			detail: []string{"no JSON state of hcp_packer_bucket"},
		},
		{
			name: "attribute of the wrong type", resource: newBucketResource, sourceType: "hcp_packer_bucket",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_bucket", map[string]any{"name": 3})
			},
			summary: "Malformed Source State", detail: []string{"cannot be read", "its name is a JSON number where a string belongs", "backup"},
		},
		{
			name: "state that is not JSON", resource: newChannelResource, sourceType: "hcp_packer_channel",
			raw:     func(*testing.T) []byte { return []byte(`{"name":`) },
			summary: "Malformed Source State", detail: []string{"it is not valid JSON"},
		},
		{
			name: "missing name", resource: newBucketResource, sourceType: "hcp_packer_bucket",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_bucket", map[string]any{"name": nil})
			},
			summary: "Malformed Source State", detail: []string{"hcp_packer_bucket state has no name"},
		},
		{
			name: "bucket name hcppacker refuses", resource: newBucketResource, sourceType: "hcp_packer_bucket",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_bucket", map[string]any{"name": "golden_base.v1"})
			},
			summary: "Unsupported Source Value",
			detail: []string{`bucket "golden_base.v1" in project "` + fixtureProject + `"`, "its name", "3 to 36 letters",
				"Keep the object in hashicorp/hcp"},
		},
		{
			name: "channel in a bucket hcppacker refuses", resource: newChannelResource, sourceType: "hcp_packer_channel",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_channel", map[string]any{"bucket_name": "my_bucket"})
			},
			summary: "Unsupported Source Value",
			detail:  []string{`channel "stable" of bucket "my_bucket"`, `bucket_name "my_bucket"`},
		},
		{
			name: "project that is not a UUID", resource: newChannelResource, sourceType: "hcp_packer_channel",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_channel", map[string]any{"project_id": "prj-1"})
			},
			summary: "Unsupported Source Value", detail: []string{`project_id "prj-1"`, "a UUID"},
		},
		{
			name: "fingerprint hcppacker refuses", resource: newChannelAssignmentResource,
			sourceType: "hcp_packer_channel_assignment",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_channel_assignment", map[string]any{"version_fingerprint": `fp"2`})
			},
			summary: "Unsupported Source Value",
			detail:  []string{`the assignment of channel "stable" in bucket "mvb"`, `version_fingerprint "fp\"2"`, `or "none"`},
		},
		{
			name: "assignment of the managed channel", resource: newChannelAssignmentResource,
			sourceType: "hcp_packer_channel_assignment",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_channel_assignment", map[string]any{"channel_name": "latest"})
			},
			summary: "Unsupported Source Value", detail: []string{`channel_name "latest"`, "managed latest"},
		},
		{
			name: "assignment without a fingerprint", resource: newChannelAssignmentResource,
			sourceType: "hcp_packer_channel_assignment",
			raw: func(t *testing.T) []byte {
				return fixtureWith(t, "hcp_packer_channel_assignment", map[string]any{"version_fingerprint": nil})
			},
			summary: "Malformed Source State", detail: []string{"has no version_fingerprint", "terraform apply -refresh-only"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := []byte(`{}`)
			switch {
			case tc.raw != nil:
				raw = tc.raw(t)
			case strings.HasPrefix(tc.sourceType, "hcp_packer_") && fixtureInstances(t)[tc.sourceType] != nil:
				raw = fixtureWith(t, tc.sourceType, nil)
			}
			req := officialRequest(tc.sourceType, raw)
			if raw == nil {
				req.SourceRawState = &tfprotov6.RawState{Flatmap: map[string]string{"name": "mvb2"}}
			}
			if tc.provider != "" {
				req.SourceProviderAddress = tc.provider
			}
			req.SourceSchemaVersion = tc.version

			_, diags := moveState(t, tc.resource(), req)
			errs := diags.Errors()
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), diags)
			}
			if errs[0].Summary() != tc.summary {
				t.Errorf("summary = %q, want %q", errs[0].Summary(), tc.summary)
			}
			for _, fragment := range tc.detail {
				if !strings.Contains(errs[0].Detail(), fragment) {
					t.Errorf("detail %q does not contain %q", errs[0].Detail(), fragment)
				}
			}
		})
	}
}

// TestMoveStateReportsEveryProblemAtOnce keeps a state with several faults
// from needing one plan per fault.
func TestMoveStateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	raw := fixtureWith(t, "hcp_packer_channel", map[string]any{"name": nil, "project_id": "nope"})
	_, diags := moveState(t, newChannelResource(), officialRequest("hcp_packer_channel", raw))
	var got []string
	for _, d := range diags.Errors() {
		got = append(got, d.Summary()+": "+d.Detail())
	}
	want := []*regexp.Regexp{regexp.MustCompile(`^Malformed Source State: .* has no name`),
		regexp.MustCompile(`^Unsupported Source Value: .*project_id "nope"`)}
	if len(got) != len(want) {
		t.Fatalf("errors = %q, want %d", got, len(want))
	}
	for i, re := range want {
		if !re.MatchString(got[i]) {
			t.Errorf("error %d = %q, want a match for %s", i, got[i], re)
		}
	}
}

// TestEveryOfficialTwinAcceptsMoves keeps officialMoves and the resources'
// MoveState methods in step.
func TestEveryOfficialTwinAcceptsMoves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	byType := map[string]resource.Resource{}
	for _, newResource := range (&hcpPackerProvider{}).Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "hcppacker"}, &meta)
		byType[meta.TypeName] = r
	}
	for source, target := range officialMoves {
		r, ok := byType[target]
		if !ok {
			t.Errorf("officialMoves maps %s to %s, which the provider does not offer", source, target)
			continue
		}
		if _, ok := r.(resource.ResourceWithMoveState); !ok {
			t.Errorf("%s has no MoveState, so moved blocks from %s fail", target, source)
		}
	}
}
