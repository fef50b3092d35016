// Package provider implements the hcppacker Terraform provider: its
// configuration and every resource and data source of the HCP Packer registry.
package provider

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var (
	_ provider.Provider                     = (*hcpPackerProvider)(nil)
	_ provider.ProviderWithConfigValidators = (*hcpPackerProvider)(nil)
)

// New returns the constructor Terraform's plugin server calls for every
// provider instance. version is the release the binary was built as.
func New(version string) func() provider.Provider {
	return NewWithClock(version, time.Now)
}

// NewWithClock is New with the clock that decides whether a revocation has
// taken effect, so that acceptance tests can move it together with
// localhcp's instead of waiting for a scheduled revocation.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider {
		return &hcpPackerProvider{version: version, now: now}
	}
}

// hcpPackerProvider is the hcppacker provider: its version and its clock.
type hcpPackerProvider struct {
	version string
	now     func() time.Time
}

// providerModel is the provider block.
type providerModel struct {
	ClientID         types.String `tfsdk:"client_id"`
	ClientSecret     types.String `tfsdk:"client_secret"`
	CredentialFile   types.String `tfsdk:"credential_file"`
	WorkloadIdentity types.List   `tfsdk:"workload_identity"`
	ProjectID        types.String `tfsdk:"project_id"`
	OrganizationID   types.String `tfsdk:"organization_id"`
	RequestTimeout   types.String `tfsdk:"request_timeout"`
}

func (p *hcpPackerProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hcppacker"
	resp.Version = p.version
}

func (p *hcpPackerProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the HCP Packer registry: buckets, channels, channel assignments and version " +
			"revocations, and reads versions and artifacts to feed image ids into deployments. Every setting falls " +
			"back to its `HCP_*` environment variable; `HCP_API_ADDRESS`, `HCP_AUTH_URL` and the TLS variables of " +
			"hcp-sdk-go point the provider at another HCP endpoint, such as localhcp.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The OAuth2 client id of an HCP service principal. Defaults to `HCP_CLIENT_ID`. " +
					"Must be set together with `client_secret`, and not together with `credential_file` or `workload_identity`.",
			},
			"client_secret": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The OAuth2 client secret of the service principal. Defaults to `HCP_CLIENT_SECRET`. " +
					"Must be set together with `client_id`.",
			},
			"credential_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path to an HCP credential file (service principal or workload identity). " +
					"Defaults to `HCP_CRED_FILE`, else `~/.config/hcp/cred_file.json` when no client credentials are given. " +
					"Conflicts with `client_id`, `client_secret` and `workload_identity`. A credential file of scheme `workload` " +
					"is exchanged like the `workload_identity` block, whatever source it reads the token from.",
			},
			"project_id": schema.StringAttribute{
				Optional:   true,
				Validators: projectIDValidators(),
				MarkdownDescription: "The default HCP project (a lower-case UUID) of every resource and data source that does not " +
					"set its own `project_id`. Defaults to `HCP_PROJECT_ID`; without either, the oldest project of the " +
					"credentials' only organization is used, with a warning when there are several.",
			},
			"organization_id": schema.StringAttribute{
				Optional:   true,
				Validators: organizationIDValidators(),
				MarkdownDescription: "The HCP organization (a lower-case UUID). Defaults to `HCP_ORGANIZATION_ID`; without it, the " +
					"organization is the parent of the project, or the only organization the credentials can see.",
			},
			"request_timeout": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{requestTimeoutValidator{}},
				MarkdownDescription: "How long one attempt of an HCP API or token request may take, from connecting to the " +
					"end of the answer, as a duration such as `30s` or `2m` (at most `1h`). Defaults to " +
					"`HCP_REQUEST_TIMEOUT`, else `30s`. An attempt that runs out of time fails the operation with an " +
					"error naming the request; it is not retried.",
			},
		},
		Blocks: map[string]schema.Block{"workload_identity": workloadIdentityBlock()},
	}
}

func (p *hcpPackerProvider) ConfigValidators(_ context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.RequiredTogether(path.MatchRoot("client_id"), path.MatchRoot("client_secret")),
		providervalidator.Conflicting(path.MatchRoot("client_id"), path.MatchRoot("credential_file")),
		providervalidator.Conflicting(path.MatchRoot("client_secret"), path.MatchRoot("credential_file")),
		providervalidator.Conflicting(path.MatchRoot("client_id"), path.MatchRoot("workload_identity")),
		providervalidator.Conflicting(path.MatchRoot("client_secret"), path.MatchRoot("workload_identity")),
		providervalidator.Conflicting(path.MatchRoot("credential_file"), path.MatchRoot("workload_identity")),
	}
}

func (p *hcpPackerProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	workloadIdentity, diags := workloadIdentityOf(ctx, cfg.WorkloadIdentity)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if unknown := unknownProviderSettings(cfg, workloadIdentity); len(unknown) > 0 {
		// A setting that comes from another resource is only known after
		// that resource is applied. Terraform versions that can defer get a
		// deferral; the others get one error per setting, so no resource
		// runs against a guessed organization or project.
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
			return
		}
		for _, name := range unknown {
			resp.Diagnostics.AddAttributeError(settingPath(name), "Unknown Provider Setting",
				"The provider cannot connect to HCP because "+name+" depends on a value that is only known after apply. "+
					"Set it to a literal or an input variable, or set its HCP_* environment variable instead, "+
					"or apply the resource it depends on first with -target.")
		}
		return
	}

	// The validator has refused anything else; null leaves it to the client.
	timeout, _ := time.ParseDuration(cfg.RequestTimeout.ValueString())
	c, warnings, err := client.New(ctx, client.Config{
		ClientID:         cfg.ClientID.ValueString(),
		ClientSecret:     cfg.ClientSecret.ValueString(),
		CredentialFile:   cfg.CredentialFile.ValueString(),
		WorkloadIdentity: workloadIdentity.client(),
		OrganizationID:   cfg.OrganizationID.ValueString(),
		ProjectID:        cfg.ProjectID.ValueString(),
		SourceChannel:    "terraform-provider-hcppacker/" + p.version,
		RequestTimeout:   timeout,
	})
	for _, w := range warnings {
		resp.Diagnostics.AddWarning("HCP Configuration Warning", w)
	}
	if err != nil {
		// The client's messages already name the setting at fault and what
		// to do about it; repeating generic advice would bury that.
		resp.Diagnostics.AddError("Unable to Configure the HCP Client",
			"The provider could not connect to HCP Packer: "+strings.TrimSuffix(client.MessageOf(err), ".")+".")
		return
	}
	tflog.Debug(ctx, "configured the HCP client")

	// One Coalesce per Configure, i.e. per Terraform operation: identical
	// lookups share one request, and nothing outlives the operation.
	data := &providerData{client: client.Coalesce(c), now: p.now}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *hcpPackerProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newBucketResource,
		newChannelResource,
		newChannelAssignmentResource,
		newVersionRevocationResource,
		newRunTaskResource,
		newBucketIAMBindingResource,
		newBucketIAMPolicyResource,
	}
}

func (p *hcpPackerProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return dataSources()
}

// settingPath is the path of a setting unknownProviderSettings names: an
// attribute, or "block.attribute" of the one workload_identity block.
func settingPath(name string) path.Path {
	if block, attribute, ok := strings.Cut(name, "."); ok {
		return path.Root(block).AtListIndex(0).AtName(attribute)
	}
	return path.Root(name)
}

// unknownProviderSettings names the provider settings whose values are not
// known yet; w is the workload_identity block, nil when absent.
func unknownProviderSettings(cfg providerModel, w *workloadIdentityModel) []string {
	settings := map[string]types.String{
		"client_id":       cfg.ClientID,
		"client_secret":   cfg.ClientSecret,
		"credential_file": cfg.CredentialFile,
		"project_id":      cfg.ProjectID,
		"organization_id": cfg.OrganizationID,
		"request_timeout": cfg.RequestTimeout,
	}
	if w != nil {
		settings["workload_identity.resource_name"] = w.ResourceName
		settings["workload_identity.token_file"] = w.TokenFile
		settings["workload_identity.token"] = w.Token
	}
	var unknown []string
	if cfg.WorkloadIdentity.IsUnknown() {
		unknown = append(unknown, "workload_identity")
	}
	for name, v := range settings {
		if v.IsUnknown() {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}
