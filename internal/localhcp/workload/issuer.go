package workload

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// BuiltinIssuer is the URI of localhcp's own test issuer (CONTRACT.md
// §14.3). The .invalid top-level domain never resolves, which says that
// nothing is to be fetched from it.
const BuiltinIssuer = "https://localhcp.invalid/oidc"

// Bounds and defaults of a built-in issuer's token.
const (
	DefaultSubject = "localhcp-test"
	MaxTokenTTL    = 24 * time.Hour
	MaxClaims      = 32
	maxClaimKey    = 128
	maxClaimValue  = 1024
)

// reservedClaims are set by the issuer itself, or by their own flags.
var reservedClaims = map[string]string{
	"iss": "it is always " + BuiltinIssuer,
	"iat": "it is the time of minting",
	"nbf": "it is the time of minting",
	"exp": "it follows from the token's lifetime (--expires-in)",
	"aud": "give it as the audience (--audience)",
	"sub": "give it as the subject (--subject)",
}

// TokenRequest is what a built-in issuer's token says.
type TokenRequest struct {
	Audience string
	Subject  string            // "" means DefaultSubject
	Claims   map[string]string // further string claims
	TTL      time.Duration     // 0 < TTL <= MaxTokenTTL
}

// Check refuses a request the issuer would not sign.
func (r TokenRequest) Check() error {
	if r.Audience == "" {
		return errors.New("an audience is required: give one of the provider's allowed audiences (--audience)")
	}
	if len(r.Audience) > maxClaimValue || len(r.Subject) > maxClaimValue {
		return fmt.Errorf("the audience and the subject are at most %d characters", maxClaimValue)
	}
	if r.TTL <= 0 || r.TTL > MaxTokenTTL {
		return fmt.Errorf("the token's lifetime %s is out of range: give more than 0 and at most %s (--expires-in)", r.TTL, MaxTokenTTL)
	}
	if len(r.Claims) > MaxClaims {
		return fmt.Errorf("%d claims are more than the %d allowed", len(r.Claims), MaxClaims)
	}
	for k, v := range r.Claims {
		if why, ok := reservedClaims[k]; ok {
			return fmt.Errorf("claim %q cannot be given as a further claim (--claim): %s", k, why)
		}
		if k == "" || len(k) > maxClaimKey {
			return fmt.Errorf("claim name %q must be 1 to %d characters", truncate(k), maxClaimKey)
		}
		if len(v) > maxClaimValue {
			return fmt.Errorf("claim %q is longer than %d characters", k, maxClaimValue)
		}
	}
	return nil
}

// Mint signs r as the built-in issuer with key, issued at now.
func Mint(key *ecdsa.PrivateKey, r TokenRequest, now time.Time) (string, error) {
	if err := r.Check(); err != nil {
		return "", err
	}
	subject := r.Subject
	if subject == "" {
		subject = DefaultSubject
	}
	kid, err := keyID(key)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("prepare the signature: %w", err)
	}
	at := jwt.NewNumericDate(now)
	std := jwt.Claims{Issuer: BuiltinIssuer, Subject: subject, Audience: jwt.Audience{r.Audience},
		IssuedAt: at, NotBefore: at, Expiry: jwt.NewNumericDate(now.Add(r.TTL))}
	extra := make(map[string]any, len(r.Claims))
	for k, v := range r.Claims {
		extra[k] = v
	}
	tok, err := jwt.Signed(signer).Claims(extra).Claims(std).Serialize()
	if err != nil {
		return "", fmt.Errorf("sign the token: %w", err)
	}
	return tok, nil
}

// GenerateIssuerKey makes a built-in issuer's signing key and answers it
// as PEM.
func GenerateIssuerKey() (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate the OIDC issuer key: %w", err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode the OIDC issuer key: %w", err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

// ParseIssuerKey reads the PEM GenerateIssuerKey wrote. Its errors never
// quote the key.
func ParseIssuerKey(data []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "EC PRIVATE KEY" {
		return nil, errors.New("it holds no EC PRIVATE KEY block")
	}
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil || key.Curve != elliptic.P256() {
		return nil, errors.New("its EC PRIVATE KEY block is no P-256 key")
	}
	return key, nil
}

// IssuerJWKS is the JWKS document of key's public half, as localhcp stores
// a trusted issuer's keys.
func IssuerJWKS(key *ecdsa.PrivateKey) (string, error) {
	kid, err := keyID(key)
	if err != nil {
		return "", err
	}
	doc, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: kid, Algorithm: string(jose.ES256), Use: "sig"}}})
	if err != nil {
		return "", fmt.Errorf("encode the OIDC issuer's public key: %w", err)
	}
	return string(doc), nil
}

// keyID is the RFC 7638 thumbprint of key's public half, so a new key
// gets a new kid.
func keyID(key *ecdsa.PrivateKey) (string, error) {
	sum, err := (&jose.JSONWebKey{Key: &key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("fingerprint the OIDC issuer key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}
