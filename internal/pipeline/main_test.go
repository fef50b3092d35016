package pipeline_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

func TestMain(m *testing.M) {
	// The example names the provider by its real source address,
	// golden-image/hcppacker; serve the in-process provider there.
	if err := os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "golden-image"); err != nil {
		fmt.Fprintf(os.Stderr, "pipeline: set TF_ACC_PROVIDER_NAMESPACE: %v\n", err)
		os.Exit(1)
	}
	acctest.Run(m)
}
