package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// dataSources lists every data source of the provider; provider.go's
// DataSources returns it.
func dataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newIterationDataSource,
		newImageDataSource,
		newVersionDataSource,
		newArtifactDataSource,
		newBucketNamesDataSource,
		newBucketDataSource,
		newChannelDataSource,
		newRunTaskDataSource,
		newIAMPolicyDataSource,
	}
}
