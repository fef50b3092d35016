package acctest

import (
	"slices"
	"testing"
)

func TestWithoutTestConfiguration(t *testing.T) {
	t.Parallel()
	log := "before\n" +
		"2026-11-24T10:00:00Z [DEBUG] sdk: test_terraform_configuration=\n" +
		"  | provider \"hcppacker\" {\n" +
		"  |   client_secret = \"s3cret\"\n" +
		"  | }\n" +
		"after\n" +
		"  | not part of a configuration"
	got := WithoutTestConfiguration(log)
	want := []string{"before", "after", "  | not part of a configuration"}
	if !slices.Equal(got, want) {
		t.Fatalf("WithoutTestConfiguration = %q, want %q", got, want)
	}
}
