package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// workloadIdentityModel is the workload_identity block.
type workloadIdentityModel struct {
	ResourceName types.String `tfsdk:"resource_name"`
	TokenFile    types.String `tfsdk:"token_file"`
	Token        types.String `tfsdk:"token"`
}

// workloadProviderPattern is the resource name of a workload identity
// provider, the same rule as hashicorp/hcp's.
var workloadProviderPattern = regexp.MustCompile(`^iam/project/.+/service-principal/.+/workload-identity-provider/.+$`)

// workloadIdentityBlock is the schema of the workload_identity block,
// attribute for attribute hashicorp/hcp's, except that token is sensitive
// and that exactly one of token_file and token must be set.
func workloadIdentityBlock() schema.Block {
	return schema.ListNestedBlock{
		MarkdownDescription: "Authenticate as a service principal with the identity of the workload that runs Terraform, " +
			"such as a CI job's OIDC token, instead of a client secret: the token is exchanged for an access token " +
			"of the service principal through one of its workload identity providers (HCP's workload identity " +
			"federation). At most one block. Conflicts with `client_id`, `client_secret` and `credential_file`; " +
			"unlike in hashicorp/hcp, `HCP_CLIENT_ID` and `HCP_CLIENT_SECRET` in the environment do not override it.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"resource_name": schema.StringAttribute{
					Required: true,
					Validators: []validator.String{stringvalidator.RegexMatches(workloadProviderPattern,
						"must be the resource name of a workload identity provider: "+
							"iam/project/<project id>/service-principal/<principal name>/workload-identity-provider/<provider name>")},
					MarkdownDescription: "The resource name of the workload identity provider to exchange the token with: " +
						"`iam/project/<project id>/service-principal/<principal name>/workload-identity-provider/<provider name>`.",
				},
				"token_file": schema.StringAttribute{
					Optional:   true,
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					MarkdownDescription: "Path to a file that holds the token to exchange (only the token, surrounding " +
						"whitespace is ignored). It is read again for every exchange, so a CI job can refresh it. " +
						"Exactly one of `token_file` and `token` must be set.",
				},
				"token": schema.StringAttribute{
					Optional:   true,
					Sensitive:  true,
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					MarkdownDescription: "The token to exchange: an OIDC token (JWT) or an OAuth2 access token of the workload " +
						"(sensitive; never logged). Exactly one of `token_file` and `token` must be set.",
				},
			},
			Validators: []validator.Object{exactlyOneTokenValidator{}},
		},
	}
}

// exactlyOneTokenValidator requires one of token_file and token in a
// workload_identity block. hashicorp/hcp takes token when both are set and
// ignores token_file without a word: a CI job that writes a fresh token to
// the file before each run would keep exchanging the inline token left in
// the configuration, until it expires in the middle of some later run.
//
// framework-validators' ExactlyOneOf is not used because of what it says:
// on token_file it names the pair "[workload_identity[0].token_file.<.token]",
// and on the block object it counts the block itself ("3 attributes
// specified" for two).
type exactlyOneTokenValidator struct{}

func (exactlyOneTokenValidator) Description(context.Context) string {
	return "exactly one of token_file and token must be set"
}

func (v exactlyOneTokenValidator) MarkdownDescription(ctx context.Context) string {
	return "exactly one of `token_file` and `token` must be set"
}

func (exactlyOneTokenValidator) ValidateObject(ctx context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var w workloadIdentityModel
	if diags := req.ConfigValue.As(ctx, &w, basetypes.ObjectAsOptions{}); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if w.TokenFile.IsUnknown() || w.Token.IsUnknown() {
		return
	}
	switch {
	case !w.TokenFile.IsNull() && !w.Token.IsNull():
		resp.Diagnostics.AddAttributeError(req.Path, "Conflicting Workload Identity Tokens",
			"The workload_identity block sets both token_file and token. Set only one: the token a CI job writes to a "+
				"file before each run (token_file), or the token itself (token).")
	case w.TokenFile.IsNull() && w.Token.IsNull():
		resp.Diagnostics.AddAttributeError(req.Path, "Missing Workload Identity Token",
			"The workload_identity block needs the token to exchange. Set token_file to the file the CI job writes its "+
				"OIDC token to, or token to the token itself.")
	}
}

// workloadIdentityOf returns the workload_identity block, nil when there is
// none or it is not known yet.
func workloadIdentityOf(ctx context.Context, blocks types.List) (*workloadIdentityModel, diag.Diagnostics) {
	if blocks.IsNull() || blocks.IsUnknown() || len(blocks.Elements()) == 0 {
		return nil, nil
	}
	var models []workloadIdentityModel
	diags := blocks.ElementsAs(ctx, &models, false)
	if diags.HasError() {
		return nil, diags
	}
	return &models[0], nil
}

// client returns the block as the client's configuration, nil when absent.
func (w *workloadIdentityModel) client() *client.WorkloadIdentity {
	if w == nil {
		return nil
	}
	return &client.WorkloadIdentity{
		ResourceName: w.ResourceName.ValueString(),
		TokenFile:    w.TokenFile.ValueString(),
		Token:        w.Token.ValueString(),
	}
}
