package localhcp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Certificate files kept in the data directory. The certificate is its own
// CA, so a client may trust it (SSL_CERT_FILE) instead of skipping
// verification.
const (
	CertFileName = "tls-cert.pem"
	KeyFileName  = "tls-key.pem"
)

// certificate returns the server certificate, generating it when dir is ""
// (kept in memory), when dir has none yet, or when the stored one is about
// to expire.
func certificate(dir string) (tls.Certificate, error) {
	if dir == "" {
		certPEM, keyPEM, err := generateCertificate(time.Now())
		if err != nil {
			return tls.Certificate{}, err
		}
		return tls.X509KeyPair(certPEM, keyPEM)
	}
	certPath, keyPath := filepath.Join(dir, CertFileName), filepath.Join(dir, KeyFileName)
	if err := checkCertificateFiles(certPath, keyPath); err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err == nil && cert.Leaf != nil && time.Until(cert.Leaf.NotAfter) > 30*24*time.Hour {
		return cert, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return tls.Certificate{}, fmt.Errorf("read TLS certificate %s: %w (delete %s and %s to generate new ones)", certPath, err, CertFileName, KeyFileName)
	}
	certPEM, keyPEM, err := generateCertificate(time.Now())
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, fmt.Errorf("write TLS key: %w", err)
	}
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return tls.Certificate{}, fmt.Errorf("write TLS certificate: %w", err)
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

// tlsRisk is what another user who may write the certificate, or read or
// write its key, could do.
const tlsRisk = "impersonate this localhcp to its clients, which trust this certificate"

// checkCertificateFiles refuses stored certificate files that another user
// owns or may write, and a key another user may read; files not there yet
// are generated afterwards.
func checkCertificateFiles(certPath, keyPath string) error {
	for _, check := range []func() error{
		func() error { return checkPrivate(certPath, "TLS certificate", tlsRisk) },
		func() error { return checkPrivate(keyPath, "TLS key", tlsRisk) },
		func() error { return checkUnreadable(keyPath, "TLS key", tlsRisk) },
	} {
		if err := check(); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// generateCertificate makes a self-signed ECDSA P-256 certificate for the
// loopback names, valid for ten years.
func generateCertificate(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("generate certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhcp", Organization: []string{"localhcp"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create TLS certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode TLS key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}
