package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// Moving state from the official hashicorp/hcp provider.
//
// For a `moved` block whose two ends have different types, Terraform (1.8
// and later) hands the source's raw state to the target resource's
// MoveState. The move only rewrites state: it calls no API, and the plan's
// refresh then reads the object through hcppacker as usual.

// officialProvider is the registry namespace and type of the official
// provider; the hostname is not compared, as a mirror may serve it elsewhere.
const officialProvider = "hashicorp/hcp"

// officialSchemaVersion is the schema version hashicorp/hcp (up to v0.114.0
// at least) records for every hcp_packer_* resource.
const officialSchemaVersion = 0

// migrationGuide names the guide that explains every path, for diagnostics.
const migrationGuide = `the hcppacker guide "Migrating from hashicorp/hcp"`

// officialMoves maps every hashicorp/hcp resource type that hcppacker can
// take over to the hcppacker type it moves to.
var officialMoves = map[string]string{
	"hcp_packer_bucket":             "hcppacker_bucket",
	"hcp_packer_channel":            "hcppacker_channel",
	"hcp_packer_channel_assignment": "hcppacker_channel_assignment",
	"hcp_packer_run_task":           "hcppacker_run_task",
	"hcp_packer_bucket_iam_binding": "hcppacker_bucket_iam_binding",
	"hcp_packer_bucket_iam_policy":  "hcppacker_bucket_iam_policy",
}

// moveFromOfficial is the StateMover of the hcppacker twin of sourceType. It
// decodes the source's JSON state into S and maps it with toTarget, which
// returns a pointer to the target's model and reports through m what stops
// the move. Any other source gets an error that says what to do instead.
func moveFromOfficial[S any](sourceType string, toTarget func(src S, m *moveValues) any) resource.StateMover {
	return resource.StateMover{
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			target := officialMoves[sourceType]
			if !checkMoveSource(req, sourceType, target, &resp.Diagnostics) {
				return
			}
			var src S
			if !decodeMoveSource(req, target, &src, &resp.Diagnostics) {
				return
			}
			model := toTarget(src, &moveValues{source: sourceType, target: target, diags: &resp.Diagnostics})
			if resp.Diagnostics.HasError() {
				return
			}
			resp.Diagnostics.Append(resp.TargetState.Set(ctx, model)...)
		},
	}
}

// checkMoveSource accepts only sourceType of hashicorp/hcp at the schema
// version hcppacker knows.
func checkMoveSource(req resource.MoveStateRequest, sourceType, target string, diags *diag.Diagnostics) bool {
	if !isOfficialProvider(req.SourceProviderAddress) || req.SourceTypeName != sourceType {
		diags.AddError("Unsupported Move Source",
			fmt.Sprintf("A moved block names %s of provider %s as the source of %s, which accepts only %s of %s. %s",
				req.SourceTypeName, req.SourceProviderAddress, target, sourceType, officialProvider,
				moveSourceAdvice(req, target)))
		return false
	}
	if req.SourceSchemaVersion != officialSchemaVersion {
		diags.AddError("Unsupported Source Schema Version",
			fmt.Sprintf("The %s state has schema version %d; %s can be moved from version %d only, which "+
				"hashicorp/hcp up to v0.114.0 writes. Take the object over with an import block and a removed block "+
				"instead, as %s shows for Terraform older than 1.8.",
				sourceType, req.SourceSchemaVersion, target, officialSchemaVersion, migrationGuide))
		return false
	}
	return true
}

// moveSourceAdvice says where a refused source can go instead.
func moveSourceAdvice(req resource.MoveStateRequest, target string) string {
	if !isOfficialProvider(req.SourceProviderAddress) {
		return fmt.Sprintf("To take over an object managed elsewhere, remove the moved block and declare %s with "+
			"an import block.", target)
	}
	if twin, ok := officialMoves[req.SourceTypeName]; ok {
		return fmt.Sprintf("Move %s to %s instead: change the moved block's to address.", req.SourceTypeName, twin)
	}
	sources := make([]string, 0, len(officialMoves))
	for s := range officialMoves {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	return fmt.Sprintf("hcppacker has no counterpart of %s: keep it in hashicorp/hcp and remove the moved block. "+
		"hcppacker takes over %s.", req.SourceTypeName, strings.Join(sources, ", "))
}

// isOfficialProvider reports whether a provider address
// ("registry.terraform.io/hashicorp/hcp") is hashicorp/hcp on any host.
func isOfficialProvider(address string) bool {
	parts := strings.Split(strings.ToLower(address), "/")
	return len(parts) == 3 && parts[1]+"/"+parts[2] == officialProvider
}

// decodeMoveSource decodes the source's JSON state into dst.
func decodeMoveSource(req resource.MoveStateRequest, target string, dst any, diags *diag.Diagnostics) bool {
	if req.SourceRawState == nil || req.SourceRawState.JSON == nil {
		diags.AddError("Malformed Source State",
			fmt.Sprintf("Terraform passed no JSON state of %s to move to %s (a state in the pre-0.12 flat format "+
				"cannot be moved). Refresh it with hashicorp/hcp first (terraform apply -refresh-only), then plan again.",
				req.SourceTypeName, target))
		return false
	}
	if err := json.Unmarshal(req.SourceRawState.JSON, dst); err != nil {
		diags.AddError("Malformed Source State",
			fmt.Sprintf("The %s state cannot be read to move it to %s: %s. The state may have been edited by hand; "+
				"restore it from a backup or refresh it with hashicorp/hcp (terraform apply -refresh-only), or take the "+
				"object over with an import block and a removed block instead (see %s).",
				req.SourceTypeName, target, jsonProblem(err), migrationGuide))
		return false
	}
	return true
}

// jsonProblem describes a decoding error in the state's terms rather than
// in those of the Go types it is decoded into.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return fmt.Sprintf("its %s is a JSON %s where a %s belongs", typeErr.Field, typeErr.Value,
			strings.TrimPrefix(typeErr.Type.String(), "*"))
	}
	return "it is not valid JSON (" + err.Error() + ")"
}

// moveValues checks the attributes of one source state and collects what
// stops the move, so that one plan reports every problem of the object.
type moveValues struct {
	source string // the hashicorp/hcp type
	target string // the hcppacker type
	object string // the object in words ("bucket \"web\" in project …"), once its names are known
	diags  *diag.Diagnostics
}

// describe names the object for later messages, once the names it needs
// were found.
func (m *moveValues) describe(format string, names ...types.String) {
	args := make([]any, len(names))
	for i, n := range names {
		if n.IsNull() {
			return
		}
		args[i] = n.ValueString()
	}
	m.object = fmt.Sprintf(format, args...)
}

// required returns a string the target cannot do without, reporting a
// missing one.
func (m *moveValues) required(attribute string, v *string) types.String {
	if v == nil || *v == "" {
		m.diags.AddError("Malformed Source State",
			fmt.Sprintf("The %s state has no %s, so it cannot be moved to %s. The state may have been edited by "+
				"hand: restore it from a backup or refresh it with hashicorp/hcp (terraform apply -refresh-only), or "+
				"take the object over with an import block and a removed block instead (see %s).",
				m.source, attribute, m.target, migrationGuide))
		return types.StringNull()
	}
	return types.StringValue(*v)
}

// valid returns s if it matches pattern (or is null, already reported) and
// otherwise refuses it; rule says in words which values hcppacker accepts.
func (m *moveValues) valid(attribute string, s types.String, pattern *regexp.Regexp, rule string) types.String {
	if s.IsNull() || pattern.MatchString(s.ValueString()) {
		return s
	}
	m.refuse(attribute, s.ValueString(), rule)
	return types.StringNull()
}

// refuse reports a value hcppacker cannot manage.
func (m *moveValues) refuse(attribute, value, rule string) {
	object := m.object
	if object == "" {
		object = "the " + m.source + " object"
	}
	m.diags.AddError("Unsupported Source Value",
		fmt.Sprintf("Cannot move %s from %s to %s: its %s %q is not a value hcppacker accepts (%s). Keep the "+
			"object in hashicorp/hcp: remove the moved block and the %s resource from the configuration.",
			object, m.source, m.target, attribute, value, rule, m.target))
}

// optional copies a value that hcppacker reads back on refresh anyway.
func optional(v *string) types.String {
	if v == nil {
		return types.StringNull()
	}
	return types.StringValue(*v)
}

// Rules quoted when a source value is refused; they restate validators.go.
const (
	nameRule        = "3 to 36 letters, digits and hyphens, starting and ending with a letter or digit"
	fingerprintRule = "1 to 40 letters, digits, '-', '.' and '_', starting and ending with a letter or digit, or \"none\""
	latestRule      = "any channel but the managed latest, which HCP Packer points at the newest version itself"
)

// officialBucket is the state of hashicorp/hcp's hcp_packer_bucket.
type officialBucket struct {
	Name           *string `json:"name"`
	ProjectID      *string `json:"project_id"`
	OrganizationID *string `json:"organization_id"`
	ResourceName   *string `json:"resource_name"`
	CreatedAt      *string `json:"created_at"`
}

// bucketFromOfficial maps hcp_packer_bucket to hcppacker_bucket. The
// official resource created buckets with a name only and has no id,
// description, labels or updated_at: description and labels get
// hcppacker's defaults and the others stay null until the plan's refresh
// reads them. force_destroy starts false, as after an import.
func bucketFromOfficial(src officialBucket, m *moveValues) any {
	name, project := m.required("name", src.Name), m.required("project_id", src.ProjectID)
	m.describe("bucket %q in project %q", name, project)
	return &bucketResourceModel{
		ID:                       types.StringNull(),
		Name:                     m.valid("name", name, slugPattern, nameRule),
		Description:              types.StringValue(""),
		Labels:                   types.MapValueMust(types.StringType, map[string]attr.Value{}),
		ForceDestroy:             types.BoolValue(false),
		ProjectID:                m.valid("project_id", project, uuidPattern, uuidRule),
		OrganizationID:           optional(src.OrganizationID),
		ResourceName:             optional(src.ResourceName),
		LatestVersionFingerprint: types.StringNull(),
		CreatedAt:                optional(src.CreatedAt),
		UpdatedAt:                types.StringNull(),
	}
}

// officialChannel is the state of hashicorp/hcp's hcp_packer_channel; its
// timeouts have no counterpart and are dropped.
type officialChannel struct {
	ID             *string `json:"id"`
	BucketName     *string `json:"bucket_name"`
	Name           *string `json:"name"`
	Restricted     *bool   `json:"restricted"`
	ProjectID      *string `json:"project_id"`
	OrganizationID *string `json:"organization_id"`
	Managed        *bool   `json:"managed"`
	AuthorID       *string `json:"author_id"`
	CreatedAt      *string `json:"created_at"`
	UpdatedAt      *string `json:"updated_at"`
}

// channelFromOfficial maps hcp_packer_channel to hcppacker_channel: the same
// attributes, one for one.
func channelFromOfficial(src officialChannel, m *moveValues) any {
	bucket, name := m.required("bucket_name", src.BucketName), m.required("name", src.Name)
	project := m.required("project_id", src.ProjectID)
	m.describe("channel %q of bucket %q", name, bucket)
	return &channelResourceModel{
		ID:             optional(src.ID),
		BucketName:     m.valid("bucket_name", bucket, slugPattern, nameRule),
		Name:           m.valid("name", name, slugPattern, nameRule),
		Restricted:     types.BoolValue(src.Restricted != nil && *src.Restricted),
		ProjectID:      m.valid("project_id", project, uuidPattern, uuidRule),
		OrganizationID: optional(src.OrganizationID),
		Managed:        types.BoolValue(src.Managed != nil && *src.Managed),
		AuthorID:       optional(src.AuthorID),
		CreatedAt:      optional(src.CreatedAt),
		UpdatedAt:      optional(src.UpdatedAt),
	}
}

// officialChannelAssignment is the state of hashicorp/hcp's
// hcp_packer_channel_assignment; its timeouts are dropped.
type officialChannelAssignment struct {
	ID                 *string `json:"id"`
	BucketName         *string `json:"bucket_name"`
	ChannelName        *string `json:"channel_name"`
	VersionFingerprint *string `json:"version_fingerprint"`
	ProjectID          *string `json:"project_id"`
	OrganizationID     *string `json:"organization_id"`
}

// channelAssignmentFromOfficial maps hcp_packer_channel_assignment to
// hcppacker_channel_assignment. Both write "none" for an unassigned channel;
// version_name, which the official resource lacks, stays null until the
// plan's refresh reads it.
func channelAssignmentFromOfficial(src officialChannelAssignment, m *moveValues) any {
	bucket, channel := m.required("bucket_name", src.BucketName), m.required("channel_name", src.ChannelName)
	fingerprint, project := m.required("version_fingerprint", src.VersionFingerprint), m.required("project_id", src.ProjectID)
	m.describe("the assignment of channel %q in bucket %q", channel, bucket)
	if channel.ValueString() == client.LatestChannel {
		m.refuse("channel_name", client.LatestChannel, latestRule)
		channel = types.StringNull()
	}
	if fingerprint.ValueString() != unassignedFingerprint {
		fingerprint = m.valid("version_fingerprint", fingerprint, fingerprintPattern, fingerprintRule)
	}
	return &channelAssignmentResourceModel{
		ID:                 optional(src.ID),
		BucketName:         m.valid("bucket_name", bucket, slugPattern, nameRule),
		ChannelName:        m.valid("channel_name", channel, slugPattern, nameRule),
		VersionFingerprint: fingerprint,
		VersionName:        types.StringNull(),
		ProjectID:          m.valid("project_id", project, uuidPattern, uuidRule),
		OrganizationID:     optional(src.OrganizationID),
	}
}

// officialRunTask is the state of hashicorp/hcp's hcp_packer_run_task; its
// timeouts are dropped.
type officialRunTask struct {
	ID             *string `json:"id"`
	ProjectID      *string `json:"project_id"`
	OrganizationID *string `json:"organization_id"`
	EndpointURL    *string `json:"endpoint_url"`
	HMACKey        *string `json:"hmac_key"`
	RegenerateHMAC *bool   `json:"regenerate_hmac"`
}

// runTaskFromOfficial maps hcp_packer_run_task to hcppacker_run_task, one
// for one. The official resource always stores regenerate_hmac false, so a
// configuration that keeps true regenerates the key once more after the
// move, and then no more.
func runTaskFromOfficial(src officialRunTask, m *moveValues) any {
	project := m.required("project_id", src.ProjectID)
	m.describe("the run task of project %q", project)
	return &runTaskResourceModel{
		ID:             optional(src.ID),
		ProjectID:      m.valid("project_id", project, uuidPattern, uuidRule),
		OrganizationID: optional(src.OrganizationID),
		EndpointURL:    optional(src.EndpointURL),
		HMACKey:        optional(src.HMACKey),
		RegenerateHMAC: types.BoolValue(src.RegenerateHMAC != nil && *src.RegenerateHMAC),
	}
}
