package acctest

import (
	"regexp"
	"strings"
)

// ErrorMatching matches a Terraform error output that contains the
// fragments in order, for TestStep.ExpectError. Terraform wraps diagnostics
// at spaces, so a space in a fragment matches any run of whitespace, line
// breaks included.
func ErrorMatching(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
