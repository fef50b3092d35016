//go:build e2e

// Package e2e drives the web panel in a real headless Chromium from Go:
// `make e2e` runs it. It needs Debian's chromium on PATH and fails without
// it.
package e2e

import (
	"fmt"
	"os"
	"testing"
)

// TestMain points HOME at a private directory: hcp-sdk-go, which seeds the
// registry here, caches tokens under $HOME keyed by client id only.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "localhcp-e2e-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
