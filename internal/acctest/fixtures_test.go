package acctest

import (
	"regexp"
	"strings"
	"testing"
)

// slug is HCP's rule for bucket and channel names.
var slug = regexp.MustCompile(`^[\da-zA-Z][-a-zA-Z\d]{1,34}[\da-zA-Z]$`)

func TestRandomNameIsAValidUniqueName(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, prefix := range []string{"b", "bucket", strings.Repeat("p", maxNamePrefix)} {
		for range 100 {
			name := RandomName(prefix)
			if !slug.MatchString(name) || !strings.HasPrefix(name, prefix+"-") {
				t.Fatalf("RandomName(%q) = %q, not a valid name with that prefix", prefix, name)
			}
			if seen[name] {
				t.Fatalf("RandomName returned %q twice", name)
			}
			seen[name] = true
		}
	}
}

func TestRandomNameRefusesLongPrefixes(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("RandomName accepted a prefix that can make names longer than 36 characters")
		}
	}()
	RandomName(strings.Repeat("p", maxNamePrefix+1))
}
