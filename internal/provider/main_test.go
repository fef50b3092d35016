package provider_test

import (
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// TestMain lets the acceptance harness stop its localhcp and remove its
// temporary HOME once every test of the package has run.
func TestMain(m *testing.M) { acctest.Run(m) }
