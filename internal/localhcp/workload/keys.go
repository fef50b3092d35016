// Package workload holds localhcp's workload identity federation rules as
// plain functions: what a workload identity provider may be configured
// with, which issuer keys localhcp trusts, and how a presented JWT is
// checked against a provider (CONTRACT.md §14).
package workload

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// Bounds on an issuer's key material (CONTRACT.md §14.3): a real issuer
// publishes a handful of keys in a few KiB.
const (
	MaxKeyBytes = 256 << 10
	MaxKeys     = 32
	// minRSABits refuses RSA keys too short to mean anything.
	minRSABits = 2048
)

// ParseKeys reads an issuer's public keys from a JWKS document
// ({"keys": [...]}) or from PEM (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE
// blocks) and answers them as a key set. Private and symmetric keys are
// refused: localhcp only verifies.
func ParseKeys(data []byte) (jose.JSONWebKeySet, error) {
	if len(data) > MaxKeyBytes {
		return jose.JSONWebKeySet{}, fmt.Errorf("key material is %d bytes, more than the %d allowed", len(data), MaxKeyBytes)
	}
	trimmed := bytes.TrimSpace(data)
	var set jose.JSONWebKeySet
	var err error
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		set, err = parseJWKS(trimmed)
	case bytes.Contains(trimmed, []byte("-----BEGIN")):
		set, err = parsePEM(trimmed)
	default:
		return set, errors.New("key material is neither a JWKS document ({\"keys\": [...]}) nor PEM: give the issuer's public keys")
	}
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	if len(set.Keys) == 0 {
		return set, errors.New("key material holds no key: give at least one public key")
	}
	if len(set.Keys) > MaxKeys {
		return jose.JSONWebKeySet{}, fmt.Errorf("key material holds %d keys, more than the %d allowed", len(set.Keys), MaxKeys)
	}
	return set, nil
}

func parseJWKS(data []byte) (jose.JSONWebKeySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("JWKS document is not valid JSON: %w", err)
	}
	if doc.Keys == nil {
		return jose.JSONWebKeySet{}, errors.New(`JWKS document has no "keys" array`)
	}
	if len(doc.Keys) > MaxKeys {
		return jose.JSONWebKeySet{}, fmt.Errorf("JWKS document holds %d keys, more than the %d allowed", len(doc.Keys), MaxKeys)
	}
	var set jose.JSONWebKeySet
	for i, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			return jose.JSONWebKeySet{}, fmt.Errorf("JWKS key %d: %w", i, err)
		}
		if err := checkPublic(k.Key); err != nil {
			return jose.JSONWebKeySet{}, fmt.Errorf("JWKS key %d (kid %q): %w", i, truncate(k.KeyID), err)
		}
		set.Keys = append(set.Keys, k)
	}
	return set, nil
}

func parsePEM(data []byte) (jose.JSONWebKeySet, error) {
	var set jose.JSONWebKeySet
	for i := 0; ; i++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		key, err := pemKey(block)
		if err != nil {
			return jose.JSONWebKeySet{}, fmt.Errorf("PEM block %d (%s): %w", i, block.Type, err)
		}
		if err := checkPublic(key); err != nil {
			return jose.JSONWebKeySet{}, fmt.Errorf("PEM block %d (%s): %w", i, block.Type, err)
		}
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: key})
		if len(set.Keys) > MaxKeys {
			return jose.JSONWebKeySet{}, fmt.Errorf("PEM holds more than the %d keys allowed", MaxKeys)
		}
	}
	if len(bytes.TrimSpace(data)) > 0 && len(set.Keys) == 0 {
		return set, errors.New("PEM could not be decoded: give PUBLIC KEY blocks")
	}
	return set, nil
}

func pemKey(block *pem.Block) (any, error) {
	switch block.Type {
	case "PUBLIC KEY":
		return x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		return cert.PublicKey, nil
	}
	return nil, errors.New("not a public key: give PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE blocks, never a private key")
}

// checkPublic accepts the public key types whose algorithms localhcp
// verifies (RSA, ECDSA, Ed25519).
func checkPublic(key any) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return fmt.Errorf("RSA key has %d bits, fewer than %d", k.N.BitLen(), minRSABits)
		}
		return nil
	case *ecdsa.PublicKey, ed25519.PublicKey:
		return nil
	}
	return fmt.Errorf("key of type %T is not an RSA, ECDSA or Ed25519 public key: give only public keys", key)
}

// truncate keeps hostile text short in messages.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
