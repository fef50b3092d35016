package localhcp

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/httpapi"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Roles a principal can have, in the order `localhcp env` offers them.
var Roles = []string{httpapi.RoleContributor, httpapi.RoleViewer, httpapi.RoleAdmin}

// probeTimeout bounds one readiness check, so a listener that accepts and
// never answers cannot hold `localhcp env` beyond its --wait.
const probeTimeout = 5 * time.Second

// pollInterval is how often LoadEnv checks again while it waits.
const pollInterval = 100 * time.Millisecond

// notReady is why the server recorded in a data directory cannot be used
// yet: no state file, or a server that does not answer. Waiting may cure
// it; a refused data directory or a missing role it cannot.
type notReady struct{ reason string }

func (e *notReady) Error() string { return e.reason }

// LoadEnv returns the HCP_* variables for the first principal of role of
// the server running with data directory dir, once that server answers
// over TLS with the certificate kept in dir. It reads the address the server
// recorded and the credentials in its database; it is what `localhcp env`
// prints. With wait > 0 it keeps checking until the server answers or wait
// has passed.
func LoadEnv(ctx context.Context, dir, role string, wait time.Duration) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, wait+probeTimeout)
	defer cancel()
	deadline := time.Now().Add(wait)
	for {
		env, err := loadEnvOnce(ctx, dir, role)
		var nr *notReady
		if !errors.As(err, &nr) {
			return env, err
		}
		if wait <= 0 {
			return nil, err
		}
		if !time.Now().Add(pollInterval).Before(deadline) {
			return nil, fmt.Errorf("no localhcp answered within %s with data directory %s: %w", wait, dir, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for localhcp in %s: %w (last check: %w)", dir, ctx.Err(), err)
		case <-time.After(pollInterval):
		}
	}
}

func loadEnvOnce(ctx context.Context, dir, role string) ([]string, error) {
	err := checkPrivate(dir, "data directory", redirectRisk)
	var st State
	if err == nil {
		st, err = readState(dir)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, &notReady{fmt.Sprintf("no localhcp is running with data directory %s: start one with `localhcp serve --data %s`", dir, dir)}
	}
	if err != nil {
		return nil, err
	}
	if err := probe(ctx, dir, st); err != nil {
		return nil, &notReady{fmt.Sprintf("the localhcp recorded in %s (PID %d, %s) does not answer: %v; start one with `localhcp serve --data %s`",
			filepath.Join(dir, StateFileName), st.PID, st.URL, err, dir)}
	}
	return readEnv(ctx, dir, st.Address, role)
}

// probe sends one HTTPS request to the recorded address and accepts only an
// answer over a connection that presents the certificate kept in dir: only
// the server holding that certificate's key can, so neither a dead server's
// address taken over by another program nor a forged state file passes.
func probe(ctx context.Context, dir string, st State) error {
	certPath := filepath.Join(dir, CertFileName)
	raw, err := os.ReadFile(certPath)
	if err != nil {
		return fmt.Errorf("read the certificate: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return fmt.Errorf("%s holds no certificate", certPath)
	}
	pinned := block.Bytes
	tlsConfig := &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The certificate is compared byte for byte below, which is
		// stricter than chain and name verification and independent of
		// the address the server was told to listen on.
		InsecureSkipVerify: true, //nolint:gosec // VerifyConnection pins the certificate
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, pinned) {
				return fmt.Errorf("the server at %s does not present the certificate in %s", st.Address, certPath)
			}
			return nil
		},
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+st.Address+"/", nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// readEnv reads the organization, project and principal from the database.
func readEnv(ctx context.Context, dir, addr, role string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
		return nil, &notReady{fmt.Sprintf("no localhcp database in %s: start `localhcp serve --data %s` first", dir, dir)}
	}
	db, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var orgID, projectID string
	var principal *Principal
	err = db.ViewTx(ctx, func(tx *store.Tx) error {
		var err error
		if orgID, err = tx.Meta(metaOrgID); err != nil {
			return err
		}
		if projectID, err = tx.Meta(metaDefaultProject); err != nil {
			return err
		}
		ps, err := tx.Principals()
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Role == role {
				pp := Principal(p)
				principal = &pp
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, store.FileName), err)
	}
	if principal == nil {
		return nil, fmt.Errorf("localhcp in %s has no principal with role %q: configure one with `localhcp serve --principals FILE`", dir, role)
	}
	return envFor(addr, orgID, projectID, *principal), nil
}
