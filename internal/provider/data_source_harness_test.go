package provider

import (
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// The data sources' unit tests run the real Terraform CLI (resource.UnitTest)
// against a provider whose client is a fakeRegistry and whose clock the test
// moves, so schemas, validators, Read and the state written are all checked
// the way users meet them, without a server.

// fakeClock is a clock a test can move while Terraform runs.
type fakeClock struct{ t atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.set(t)
	return c
}

func (c *fakeClock) now() time.Time  { return time.Unix(0, c.t.Load()).UTC() }
func (c *fakeClock) set(t time.Time) { c.t.Store(t.UnixNano()) }

// dataSourceTestProvider is a provider with every data source and no
// resources, configured with a fake client.
type dataSourceTestProvider struct {
	api   client.API
	clock *fakeClock
}

var _ fwprovider.Provider = (*dataSourceTestProvider)(nil)

func (p *dataSourceTestProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "hcppacker"
}

func (p *dataSourceTestProvider) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {
}

func (p *dataSourceTestProvider) Configure(_ context.Context, _ fwprovider.ConfigureRequest, resp *fwprovider.ConfigureResponse) {
	pd := &providerData{client: p.api, now: p.clock.now}
	resp.DataSourceData = pd
	resp.ResourceData = pd
}

func (p *dataSourceTestProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *dataSourceTestProvider) DataSources(context.Context) []func() datasource.DataSource {
	return dataSources()
}

var terraformEnvOnce sync.Once

// fakeProviderFactories serves the data sources over api at clock's time. It
// also makes the Terraform CLI quiet and offline once per process: no
// checkpoint calls, and no CLI config file that may not exist.
func fakeProviderFactories(api client.API, clock *fakeClock) map[string]func() (tfprotov6.ProviderServer, error) {
	terraformEnvOnce.Do(func() {
		_ = os.Setenv("CHECKPOINT_DISABLE", "1")
		_ = os.Setenv("TF_CLI_CONFIG_FILE", os.DevNull)
	})
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hcppacker": providerserver.NewProtocol6WithError(&dataSourceTestProvider{api: api, clock: clock}),
	}
}

// textRegexp matches text in Terraform's output, where long diagnostics are
// wrapped: any run of whitespace in text matches any run in the output.
func textRegexp(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}
