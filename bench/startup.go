package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"time"
)

// go-plugin's handshake, as Terraform sets it up for a protocol 6 provider.
const (
	magicCookieKey   = "TF_PLUGIN_MAGIC_COOKIE"
	magicCookieValue = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
)

// measureStartup starts the provider binary runs times the way Terraform
// does (magic cookie, protocol 6, a client certificate so the provider
// generates its own for mTLS) and times each from exec to the go-plugin
// handshake line on stdout, after one unmeasured start that warms the page
// cache. Each provider is killed once it has answered.
func measureStartup(ctx context.Context, providerBin, home, socketDir string, runs int) ([]time.Duration, error) {
	clientCert, err := selfSignedCertPEM()
	if err != nil {
		return nil, err
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		magicCookieKey + "=" + magicCookieValue,
		"PLUGIN_PROTOCOL_VERSIONS=6",
		"PLUGIN_MIN_PORT=10000",
		"PLUGIN_MAX_PORT=25000",
		"PLUGIN_CLIENT_CERT=" + clientCert,
		"PLUGIN_UNIX_SOCKET_DIR=" + socketDir,
	}
	var out []time.Duration
	for i := range runs + 1 {
		d, err := startOnce(ctx, providerBin, env)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

func startOnce(ctx context.Context, providerBin string, env []string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, providerBin)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", providerBin, err)
	}
	line, readErr := bufio.NewReader(stdout).ReadString('\n')
	elapsed := time.Since(start)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if readErr != nil {
		return 0, fmt.Errorf("the provider printed no handshake line (%w); its stderr:\n%s", readErr, stderr.String())
	}
	// core version | protocol version | network | address | protocol | server cert
	if fields := strings.Split(strings.TrimSpace(line), "|"); len(fields) < 5 || fields[0] != "1" || fields[1] != "6" {
		return 0, fmt.Errorf("unexpected handshake line %q", line)
	}
	return elapsed, nil
}

// selfSignedCertPEM is a client certificate for go-plugin's automatic
// mTLS, like the one Terraform passes in PLUGIN_CLIENT_CERT.
func selfSignedCertPEM() (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"HashiCorp"}},
		DNSNames:              []string{"localhost"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}
