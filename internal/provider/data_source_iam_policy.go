package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*iamPolicyDataSource)(nil)

func newIAMPolicyDataSource() datasource.DataSource { return &iamPolicyDataSource{} }

// iamPolicyDataSource is hcppacker_iam_policy: policy_data built from
// role → principals bindings, each principal's member type looked up in
// the organization, as the official hcp_iam_policy builds it.
type iamPolicyDataSource struct {
	data *providerData
}

type iamPolicyDataSourceModel struct {
	Bindings   []iamPolicyBindingModel `tfsdk:"bindings"`
	PolicyData types.String            `tfsdk:"policy_data"`
}

type iamPolicyBindingModel struct {
	Role       types.String   `tfsdk:"role"`
	Principals []types.String `tfsdk:"principals"`
}

func (d *iamPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iam_policy"
}

func (d *iamPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Builds the `policy_data` of `hcppacker_bucket_iam_policy` from roles and the principals " +
			"that hold them, like the official `hcp_iam_policy`. Each principal is looked up in the provider's " +
			"organization, which fills its member type and refuses an unknown id by name.",
		Attributes: map[string]schema.Attribute{
			"bindings": schema.SetNestedAttribute{
				Required:            true,
				MarkdownDescription: "The roles granted, each with the principals that hold it. A role appears once.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"role": schema.StringAttribute{
						Required:            true,
						Validators:          []validator.String{stringvalidator.OneOf(bucketRoles...)},
						MarkdownDescription: "`roles/viewer`, `roles/contributor` or `roles/admin`.",
					},
					"principals": schema.SetAttribute{
						Required:    true,
						ElementType: types.StringType,
						Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
							stringvalidator.RegexMatches(principalIDPattern, "must be a principal id without spaces"))},
						MarkdownDescription: "The ids of the principals that hold the role.",
					},
				}},
			},
			"policy_data": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy as JSON, without an etag, for `hcppacker_bucket_iam_policy.policy_data`.",
			},
		},
	}
}

func (d *iamPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *iamPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg iamPolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var ids []string
	seenRole, seenID := map[string]bool{}, map[string]bool{}
	for _, b := range cfg.Bindings {
		role := b.Role.ValueString()
		if seenRole[role] {
			resp.Diagnostics.AddAttributeError(path.Root("bindings"), "Duplicate Role",
				fmt.Sprintf("Role %q appears in two bindings: list all its principals in one.", role))
			return
		}
		seenRole[role] = true
		for _, p := range b.Principals {
			if id := p.ValueString(); !seenID[id] {
				seenID[id] = true
				ids = append(ids, id)
			}
		}
	}
	loc, ok := d.data.location(ctx, types.StringNull(), &resp.Diagnostics)
	if !ok {
		return
	}
	memberTypes, err := d.data.client.PrincipalMemberTypes(ctx, loc, ids)
	if err != nil {
		reportAPIError(&resp.Diagnostics, "Unable to Read IAM Policy",
			fmt.Sprintf("look up the policy's principals in organization %q", loc.OrganizationID), readAccess, err)
		return
	}
	var policy client.IAMPolicy
	for _, b := range cfg.Bindings {
		binding := client.IAMBinding{Role: b.Role.ValueString()}
		for _, p := range b.Principals {
			binding.Members = append(binding.Members, client.IAMMember{ID: p.ValueString(), Type: memberTypes[p.ValueString()]})
		}
		policy.Bindings = append(policy.Bindings, binding)
	}
	cfg.PolicyData = types.StringValue(policyDataOf(policy))
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
