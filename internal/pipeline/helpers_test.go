package pipeline_test

import (
	"regexp"
	"strings"
)

// errorMatching matches a Terraform error output that contains the
// fragments in order; a space matches any run of whitespace, since
// Terraform wraps diagnostics.
func errorMatching(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
