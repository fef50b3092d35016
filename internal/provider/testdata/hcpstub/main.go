// Command hcpstub is a provider that offers nothing, served at the address
// of hashicorp/hcp. A state written by hashicorp/hcp still names that
// address after every resource has a moved block to hcppacker, so
// `terraform init` insists on installing a provider there even though the
// plan never asks it anything; the move tests lay this binary out in a
// filesystem mirror so that init works offline.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type stubProvider struct{}

func (stubProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hcp"
}

func (stubProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (stubProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (stubProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (stubProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return stubProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/hashicorp/hcp", ProtocolVersion: 6})
	if err != nil {
		fmt.Fprintln(os.Stderr, "hcpstub:", err)
		os.Exit(1)
	}
}
