package scheduled_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// TestMain lets the acceptance harness stop its localhcp and remove its
// temporary HOME once every test of the package has run.
func TestMain(m *testing.M) { acctest.Run(m) }

// rfc3339Millis is how the provider writes instants.
var rfc3339Millis = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// untilEffective is how far ahead the tests schedule a revocation, and
// effective how far they then step the clock to make it take effect: short
// of the one-hour token lifetime, which localhcp judges by the same clock.
const (
	untilEffective = 10 * time.Minute
	effective      = 11 * time.Minute
)
