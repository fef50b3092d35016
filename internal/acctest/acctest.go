// Package acctest is the acceptance-test harness of the provider: it starts
// one in-process localhcp per test package, points the provider (and the
// Terraform CLI it runs under) at it, and offers fixtures that publish
// versions exactly as `packer build` would.
//
// A test package uses it from TestMain:
//
//	func TestMain(m *testing.M) { acctest.Run(m) }
//
// and from each acceptance test:
//
//	resource.Test(t, resource.TestCase{
//		PreCheck:                 func() { acctest.PreCheck(t) },
//		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
//		…
//	})
//
// Test configurations omit required_providers: the factories serve the
// provider under the default namespace.
package acctest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/provider"
)

// ProviderName is the name test configurations use for the provider.
const ProviderName = "hcppacker"

// Roles of the principals localhcp seeds.
const (
	RoleContributor = "contributor"
	RoleViewer      = "viewer"
)

// ProtoV6ProviderFactories serves the provider in-process to the Terraform
// CLI that terraform-plugin-testing runs.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: providerserver.NewProtocol6WithError(provider.NewWithClock("acctest", Now)()),
}

// clockOffset is how far AdvanceClock has moved the package's clock, which
// localhcp and the provider share, ahead of the real time (nanoseconds).
var clockOffset atomic.Int64

// Now is the clock localhcp and the provider share: the real time plus what
// AdvanceClock added. Tests that place a revocation in time read it here.
func Now() time.Time { return time.Now().Add(time.Duration(clockOffset.Load())) }

// AdvanceClock moves the clock of localhcp and of the provider forward by d,
// so that a scheduled revocation takes effect without waiting for it. Every
// test of the package sees the jump: a package that calls it must not run
// tests that depend on the time in parallel with it. Keep the jumps short of
// the one-hour token lifetime, which localhcp judges by its own clock.
func AdvanceClock(t testing.TB, d time.Duration) {
	t.Helper()
	Server(t)
	clockOffset.Add(int64(d))
}

// harness is the state shared by every test of the package.
var harness struct {
	startOnce sync.Once
	home      string
	server    *localhcp.Server
	startErr  error

	clientOnce sync.Once
	client     *client.Client
	clientErr  error
}

// hcpEnvironment lists the variables that could point the provider at real
// HCP; they are cleared before localhcp's are set, so a developer's shell
// never leaks into a test.
var hcpEnvironment = []string{
	"HCP_CLIENT_ID", "HCP_CLIENT_SECRET", "HCP_CRED_FILE", "HCP_ORGANIZATION_ID", "HCP_PROJECT_ID",
	"HCP_API_ADDRESS", "HCP_API_HOST", "HCP_API_TLS", "HCP_AUTH_URL", "HCP_AUTH_TLS", "HCP_GEOGRAPHY",
}

// Run runs the package's tests and then stops localhcp (if a test started
// it) and removes the temporary HOME. It exits the process with the tests'
// status, so it is the whole body of TestMain. Without it the harness still
// works; the server then ends with the process and the HOME stays behind.
func Run(m *testing.M) {
	code := m.Run()
	if harness.server != nil {
		if err := harness.server.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "acctest: stop localhcp: %v\n", err)
		}
	}
	if harness.home != "" {
		_ = os.RemoveAll(harness.home) // best effort: a leftover temp dir is harmless
	}
	os.Exit(code)
}

// PreCheck starts the package's localhcp on first use and sets the
// environment the provider and Terraform need. It skips nothing: as usual,
// acceptance tests run only with TF_ACC=1, which resource.Test checks.
func PreCheck(t testing.TB) {
	t.Helper()
	Server(t)
}

// Server returns the package's localhcp, starting it on first use. Like
// resource.Test, it skips the test unless TF_ACC is set, so building test
// steps that ask for ids never starts a server during unit test runs.
func Server(t testing.TB) *localhcp.Server {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1")
	}
	harness.startOnce.Do(start)
	if harness.startErr != nil {
		t.Fatalf("acctest: %v", harness.startErr)
	}
	return harness.server
}

// start isolates the process from the developer's Terraform and HCP
// settings and starts localhcp. Environment changes are process-wide on
// purpose: the provider runs in this process and the Terraform CLI inherits
// the environment.
func start() {
	home, err := os.MkdirTemp("", "hcppacker-acctest-home-")
	if err != nil {
		harness.startErr = fmt.Errorf("create a temporary HOME: %w", err)
		return
	}
	harness.home = home
	// hcp-sdk-go caches tokens under $HOME keyed by client id only: a fresh
	// HOME keeps localhcp tokens and real HCP tokens apart.
	env := map[string]string{
		"HOME":               home,
		"TF_CLI_CONFIG_FILE": os.DevNull,
		"CHECKPOINT_DISABLE": "1",
	}
	for _, name := range hcpEnvironment {
		if err := os.Unsetenv(name); err != nil {
			harness.startErr = fmt.Errorf("unset %s: %w", name, err)
			return
		}
	}

	// Two projects, so tests can place objects outside the default one.
	srv, err := localhcp.Start(localhcp.Options{Projects: []string{"default", "second"}, Now: Now})
	if err != nil {
		harness.startErr = fmt.Errorf("start localhcp: %w", err)
		return
	}
	harness.server = srv
	for _, kv := range srv.Env(RoleContributor) {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			harness.startErr = fmt.Errorf("localhcp returned a malformed environment entry for %s", name)
			return
		}
		env[name] = value
	}
	for name, value := range env {
		if err := os.Setenv(name, value); err != nil {
			harness.startErr = fmt.Errorf("set %s: %w", name, err)
			return
		}
	}
}

// Client returns a client of the package's localhcp with the contributor's
// credentials, for changes made "out of band" and for checks.
func Client(t testing.TB) client.API {
	t.Helper()
	Server(t)
	harness.clientOnce.Do(func() {
		var warnings []string
		harness.client, warnings, harness.clientErr = client.New(context.Background(), client.Config{
			SourceChannel: "hcppacker-acctest",
		})
		if harness.clientErr == nil && len(warnings) > 0 {
			harness.clientErr = fmt.Errorf("unexpected client warnings: %s", strings.Join(warnings, "; "))
		}
	})
	if harness.clientErr != nil {
		t.Fatalf("acctest: create an HCP client for localhcp: %v", harness.clientErr)
	}
	return harness.client
}

// Location returns the organization and project localhcp seeds, which are
// the provider's defaults in tests.
func Location(t testing.TB) client.Location {
	t.Helper()
	srv := Server(t)
	return client.Location{OrganizationID: srv.OrganizationID(), ProjectID: srv.ProjectID()}
}

// SecondProjectID returns the id of a second project of localhcp's
// organization, which is never the provider's default.
func SecondProjectID(t testing.TB) string {
	t.Helper()
	srv := Server(t)
	for _, id := range srv.ProjectIDs() {
		if id != srv.ProjectID() {
			return id
		}
	}
	t.Fatal("acctest: localhcp has only one project")
	return ""
}

// ProviderBlock returns a provider block that authenticates as the given
// role's principal instead of the environment's contributor.
func ProviderBlock(t testing.TB, role string) string {
	t.Helper()
	return ProviderBlockFor(Server(t).Principal(role))
}
