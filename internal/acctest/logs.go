package acctest

import "strings"

// WithoutTestConfiguration returns the lines of a Terraform log less the
// test configuration that terraform-plugin-testing itself logs (a
// "test_terraform_configuration=" field followed by "  | "-prefixed lines).
// The harness, not the provider, writes the provider block with its secret
// there, so tests that look for leaked secrets read the rest.
func WithoutTestConfiguration(log string) []string {
	var kept []string
	inConfig := false
	for _, line := range strings.Split(log, "\n") {
		switch {
		case strings.Contains(line, "test_terraform_configuration="):
			inConfig = true
		case inConfig && strings.HasPrefix(line, "  |"):
		default:
			inConfig = false
			kept = append(kept, line)
		}
	}
	return kept
}
