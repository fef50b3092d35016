package main

import (
	"errors"
	"path/filepath"
)

const dataDirHelp = `Data directory (database, TLS certificate, OIDC issuer key, address of the running server):
  --data DIR, else $LOCALHCP_DATA, else $XDG_STATE_HOME/localhcp, else $HOME/.local/state/localhcp.
  Set LOCALHCP_DATA when HOME changes between shells (tests often give hcp-sdk-go a fresh HOME).
`

// dataDir resolves the data directory from the flag and the environment.
func dataDir(flagValue string, getenv func(string) string) (string, error) {
	switch {
	case flagValue != "":
		return flagValue, nil
	case getenv("LOCALHCP_DATA") != "":
		return getenv("LOCALHCP_DATA"), nil
	case getenv("XDG_STATE_HOME") != "":
		return filepath.Join(getenv("XDG_STATE_HOME"), "localhcp"), nil
	case getenv("HOME") != "":
		return filepath.Join(getenv("HOME"), ".local", "state", "localhcp"), nil
	default:
		return "", errors.New("no data directory: pass --data DIR or set LOCALHCP_DATA")
	}
}
