package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ resource.ResourceWithMoveState = (*bucketIAMBindingResource)(nil)
	_ resource.ResourceWithMoveState = (*bucketIAMPolicyResource)(nil)
)

// officialBucketIAMBinding is the state of hashicorp/hcp's
// hcp_packer_bucket_iam_binding.
type officialBucketIAMBinding struct {
	ResourceName *string `json:"resource_name"`
	PrincipalID  *string `json:"principal_id"`
	Role         *string `json:"role"`
}

// officialBucketIAMPolicy is the state of hashicorp/hcp's
// hcp_packer_bucket_iam_policy.
type officialBucketIAMPolicy struct {
	ResourceName *string `json:"resource_name"`
	PolicyData   *string `json:"policy_data"`
	Etag         *string `json:"etag"`
}

// MoveState takes over the state of hashicorp/hcp's hcp_packer_bucket_iam_binding from a moved block.
func (r *bucketIAMBindingResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOfficial("hcp_packer_bucket_iam_binding", bucketIAMBindingFromOfficial)}
}

// MoveState takes over the state of hashicorp/hcp's hcp_packer_bucket_iam_policy from a moved block.
func (r *bucketIAMPolicyResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOfficial("hcp_packer_bucket_iam_policy", bucketIAMPolicyFromOfficial)}
}

// bucketOfResourceName splits the official resources' resource_name into
// the project and bucket hcppacker names the bucket by.
func bucketOfResourceName(m *moveValues, src *string) (project, bucket types.String) {
	name := m.required("resource_name", src)
	if name.IsNull() {
		return types.StringNull(), types.StringNull()
	}
	p, b, ok := splitPolicyImportID(name.ValueString())
	if !ok || !strings.HasPrefix(name.ValueString(), "packer/project/") {
		m.refuse("resource_name", name.ValueString(), "a bucket's resource name, packer/project/{project_id}/bucket/{name}")
		return types.StringNull(), types.StringNull()
	}
	return types.StringValue(p), types.StringValue(b)
}

// bucketIAMBindingFromOfficial maps hcp_packer_bucket_iam_binding; the
// organization is filled by the first refresh.
func bucketIAMBindingFromOfficial(src officialBucketIAMBinding, m *moveValues) any {
	project, bucket := bucketOfResourceName(m, src.ResourceName)
	principal := m.valid("principal_id", m.required("principal_id", src.PrincipalID), principalIDPattern, "a principal id without spaces")
	role := m.required("role", src.Role)
	if !role.IsNull() && !isBucketRole(role.ValueString()) {
		m.refuse("role", role.ValueString(), "one of "+strings.Join(bucketRoles, ", "))
		role = types.StringNull()
	}
	model := &bucketIAMBindingModel{
		BucketName: bucket, ProjectID: project, Role: role, PrincipalID: principal,
		OrganizationID: types.StringNull(), ResourceName: types.StringNull(), ID: types.StringNull(),
	}
	if !project.IsNull() && !bucket.IsNull() && !role.IsNull() && !principal.IsNull() {
		model.fromLocation(client.Location{ProjectID: project.ValueString()})
		model.OrganizationID = types.StringNull()
	}
	return model
}

// bucketIAMPolicyFromOfficial maps hcp_packer_bucket_iam_policy; the
// policy_data is kept as it is, which the first refresh keeps too while
// the bucket's policy means the same.
func bucketIAMPolicyFromOfficial(src officialBucketIAMPolicy, m *moveValues) any {
	project, bucket := bucketOfResourceName(m, src.ResourceName)
	data := m.required("policy_data", src.PolicyData)
	if !data.IsNull() {
		if _, err := parsePolicyData(data.ValueString()); err != nil {
			m.refuse("policy_data", data.ValueString(), err.Error())
			data = types.StringNull()
		}
	}
	model := &bucketIAMPolicyModel{
		BucketName: bucket, ProjectID: project, PolicyData: data, Etag: optional(src.Etag),
		OrganizationID: types.StringNull(), ResourceName: types.StringNull(), ID: types.StringNull(),
	}
	if !project.IsNull() && !bucket.IsNull() {
		model.fromLocation(client.Location{ProjectID: project.ValueString()})
		model.OrganizationID = types.StringNull()
	}
	return model
}
