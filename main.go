// Command terraform-provider-hcppacker is the hcppacker Terraform provider:
// HCP Packer buckets, channels, channel assignments and revocations as code,
// plus data sources that feed image ids into deployments.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/golden-image/terraform-provider-hcppacker/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=1.2.3"; the
// default marks a binary built without a release process.
var version = "dev"

// providerAddress is where Terraform finds the provider; it must match the
// registry namespace the provider is published under.
const providerAddress = "registry.terraform.io/golden-image/hcppacker"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false,
		"start the provider in debug mode, for debuggers such as delve; it prints a TF_REATTACH_PROVIDERS value to export")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         providerAddress,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
