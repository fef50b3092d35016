package localhcp

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/workload"
)

// OIDCKeyFileName is the file in the data directory that holds the signing
// key of localhcp's built-in OIDC issuer (CONTRACT.md §14.3).
const OIDCKeyFileName = "oidc-issuer-key.pem"

// BuiltinIssuer is the issuer URI of the tokens OIDCToken and `localhcp
// oidc-token` mint; localhcp always trusts it.
const BuiltinIssuer = workload.BuiltinIssuer

// keyRisk is what another user who may write the key file could do.
const keyRisk = "replace the OIDC issuer key with one they hold and mint tokens localhcp trusts"

// issuerKey answers the built-in issuer's signing key: an ephemeral one
// for an in-memory server, else the data directory's, generated on its
// first start.
func issuerKey(dir string) (*ecdsa.PrivateKey, error) {
	if dir == "" {
		key, _, err := workload.GenerateIssuerKey()
		return key, err
	}
	key, err := readIssuerKey(dir)
	if !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	key, keyPEM, err := workload.GenerateIssuerKey()
	if err != nil {
		return nil, err
	}
	return key, writePrivateFile(dir, OIDCKeyFileName, keyPEM)
}

// readIssuerKey reads the data directory's issuer key after checking that
// only its owner can have written it and can read it. A missing file is
// os.ErrNotExist.
func readIssuerKey(dir string) (*ecdsa.PrivateKey, error) {
	path := filepath.Join(dir, OIDCKeyFileName)
	if err := checkPrivate(path, "OIDC issuer key", keyRisk); err != nil {
		return nil, err
	}
	if err := checkUnreadable(path, "OIDC issuer key", "mint tokens localhcp trusts"); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the OIDC issuer key: %w", err)
	}
	key, err := workload.ParseIssuerKey(raw)
	if err != nil {
		return nil, fmt.Errorf("OIDC issuer key %s is damaged (%w): delete it and start `localhcp serve --data %s` to generate a new one (tokens signed with the old one then stop verifying)", path, err, dir)
	}
	return key, nil
}

// trustBuiltinIssuer stores the built-in issuer's public key, after the
// configured issuers replaced the others, so it is always trusted.
func trustBuiltinIssuer(tx *store.Tx, key *ecdsa.PrivateKey) error {
	jwks, err := workload.IssuerJWKS(key)
	if err != nil {
		return err
	}
	return tx.PutIssuerKeys(BuiltinIssuer, jwks)
}

// OIDCToken mints a token of the built-in issuer (iss BuiltinIssuer) for
// audience, valid from the server's clock for ttl (at most 24 hours), with
// subject ("" for "localhcp-test") and further string claims.
func (s *Server) OIDCToken(audience, subject string, claims map[string]string, ttl time.Duration) (string, error) {
	return workload.Mint(s.issuerKey, workload.TokenRequest{Audience: audience, Subject: subject, Claims: claims, TTL: ttl}, s.opts.Now())
}

// MintOIDCToken mints a token of the built-in issuer as OIDCToken does,
// with the key of the data directory dir and the clock of this process:
// `localhcp oidc-token`. The directory needs no running server, only one
// that has started there once.
func MintOIDCToken(dir string, r workload.TokenRequest) (string, error) {
	if err := checkPrivate(dir, "data directory", redirectRisk); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", noIssuerKey(dir)
		}
		return "", err
	}
	key, err := readIssuerKey(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", noIssuerKey(dir)
	}
	if err != nil {
		return "", err
	}
	return workload.Mint(key, r, time.Now())
}

func noIssuerKey(dir string) error {
	return fmt.Errorf("data directory %s has no OIDC issuer key yet: start `localhcp serve --data %s` once on it first, then mint tokens", dir, dir)
}
