package workload

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func TestParseKeys(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	short, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	block := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	pkcs1 := block("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey))
	pkix := block("PUBLIC KEY", ecDER)

	set, err := ParseKeys([]byte(pkcs1 + pkix))
	if err != nil || len(set.Keys) != 2 {
		t.Fatalf("two PEM keys: %d keys, %v", len(set.Keys), err)
	}
	for name, c := range map[string]struct{ in, want string }{
		"short RSA":       {block("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&short.PublicKey)), "fewer than 2048"},
		"private PEM":     {block("EC PRIVATE KEY", []byte("x")), "not a public key"},
		"too many keys":   {strings.Repeat(pkix, MaxKeys+1), "more than the 32"},
		"JWKS no keys":    {`{"other": []}`, `no "keys" array`},
		"JWKS private":    {`{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}`, "give only public keys"},
		"neither":         {"plain text", "nor PEM"},
		"empty JWKS":      {`{"keys": []}`, "holds no key"},
		"bad JWKS member": {`{"keys": [{"kty": "EC"}]}`, "JWKS key 0"},
	} {
		if _, err := ParseKeys([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, c.want)
		}
	}
}
