// Package resilience holds the suites that check the provider and localhcp
// stay correct when things go wrong: injected API faults, objects changed
// out of band, a localhcp killed mid-write, and misuse of credentials. It
// has its own package so that it gets its own localhcp, whose fault
// injection its tests may switch on without disturbing any other package.
package resilience

import (
	"os"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// TestMain serves localhcp (when the crash-safety and chaos tests re-execute
// this binary as their server), serves the provider (when Terraform starts
// it as the chaos test's plugin), or runs the tests with the acceptance
// harness.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashServerDataEnv); dir != "" {
		os.Exit(serveForCrashTest(dir))
	}
	if os.Getenv(chaosProviderEnv) != "" {
		os.Exit(serveProviderForChaosTest())
	}
	acctest.Run(m)
}
