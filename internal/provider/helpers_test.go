package provider_test

import "github.com/golden-image/terraform-provider-hcppacker/internal/acctest"

// errorMatching is short for acctest.ErrorMatching, which most tests use.
var errorMatching = acctest.ErrorMatching
