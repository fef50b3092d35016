package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// dataSources lists the provider's data sources.
func dataSources() []func() datasource.DataSource { return nil }
