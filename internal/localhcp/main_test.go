package localhcp_test

import (
	"fmt"
	"os"
	"testing"
)

// TestMain points HOME at a private directory: hcp-sdk-go caches tokens
// under $HOME keyed by client id only, and a localhcp token must never meet
// a real HCP one.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "localhcp-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
