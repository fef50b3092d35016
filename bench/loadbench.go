package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/oklog/ulid/v2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// versionsPerWriteRun spreads one CreateBuild run over this many fresh
// versions, so no version collects so many builds that the run measures
// the size of one version rather than the cost of a write.
const versionsPerWriteRun = 64

// Operations of the load benchmark.
const (
	opGetChannel     = "GetChannel"
	opGetChannelCold = "GetChannel (cold)"
	opCreateBuild    = "CreateBuild"
)

// loadRow is one operation at one concurrency: localhcp next to the
// ceiling, measured one right after the other.
type loadRow struct {
	Op      string
	Clients int
	Ceiling loadResult
	Local   loadResult
}

// loadOp is one operation of the load benchmark against localhcp.
type loadOp struct {
	Name string
	Key  string // what -load-ops calls it
	// prepare runs before each localhcp run and returns the request
	// maker for it.
	prepare func(ctx context.Context) (func(seq int64) loadRequest, error)
}

// runLoadBench measures GetChannel (repeated and cold) and CreateBuild
// against srv at each concurrency level, each next to a trivial net/http
// handler on the same TLS setup that answers with the same bytes (the
// ceiling).
func runLoadBench(ctx context.Context, srv *localhcp.Server, only map[string]bool, levels []int, limits loadLimits) ([]loadRow, error) {
	p := srv.Principal("contributor")
	token, err := fetchToken(ctx, srv.URL(), p.ClientID, p.ClientSecret)
	if err != nil {
		return nil, err
	}
	target := loadTarget{BaseURL: srv.URL(), Token: token}
	prefix := "/packer/2023-01-01/organizations/" + srv.OrganizationID() + "/projects/" + srv.ProjectID()

	if _, err := publish.Publish(ctx, srv.Env("contributor"), publish.Options{
		Bucket: "load", Channels: []string{"stable"}, CreateChannels: true,
		Builds: []publish.Build{
			{ComponentType: "amazon-ebs.app", Platform: "aws", Region: "us-east-1", ExternalIdentifier: "ami-0load1", Labels: map[string]string{"os": "linux"}},
			{ComponentType: "azure-arm.app", Platform: "azure", Region: "westeurope", ExternalIdentifier: "/images/load", Labels: map[string]string{"os": "linux"}},
		},
	}); err != nil {
		return nil, fmt.Errorf("seed the load bucket: %w", err)
	}

	getChannel := loadRequest{Method: http.MethodGet, Path: prefix + "/buckets/load/channels/stable"}
	ops := []loadOp{
		// The same channel over and over, as plans in many workspaces read
		// it: after the first read localhcp answers from its answer cache.
		{Name: opGetChannel, Key: "get", prepare: func(context.Context) (func(int64) loadRequest, error) {
			return func(int64) loadRequest { return getChannel }, nil
		}},
		// A query parameter the endpoint ignores makes every request new
		// to the answer cache, so each one runs its SQL and encoding.
		{Name: opGetChannelCold, Key: "cold", prepare: func(context.Context) (func(int64) loadRequest, error) {
			return func(seq int64) loadRequest {
				return loadRequest{Method: http.MethodGet, Path: fmt.Sprintf("%s?bench_seq=%d", getChannel.Path, seq)}
			}, nil
		}},
		{Name: opCreateBuild, Key: "write", prepare: func(ctx context.Context) (func(int64) loadRequest, error) {
			fps, err := createVersions(ctx, target, prefix, versionsPerWriteRun)
			if err != nil {
				return nil, err
			}
			return func(seq int64) loadRequest {
				return loadRequest{
					Method: http.MethodPost,
					Path:   prefix + "/buckets/load/versions/" + fps[seq%int64(len(fps))] + "/builds",
					Body: fmt.Appendf(nil, `{"component_type":"null.c%d","packer_run_uuid":%q,"status":"BUILD_UNSET"}`,
						seq, uuid.NewString()),
				}
			}, nil
		}},
	}

	var rows []loadRow
	for _, op := range ops {
		if len(only) > 0 && !only[op.Key] {
			continue
		}
		// The ceiling answers with the bytes localhcp answers, so the two
		// differ only in what the server does to produce them.
		next, err := op.prepare(ctx)
		if err != nil {
			return nil, err
		}
		answer, err := probe(ctx, target, next(0))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op.Name, err)
		}
		ceiling, err := startCeiling(answer)
		if err != nil {
			return nil, err
		}
		for _, clients := range levels {
			row := loadRow{Op: op.Name, Clients: clients}
			row.Ceiling = runLoad(ctx, loadTarget{BaseURL: ceiling.url}, clients, limits, next)
			if next, err = op.prepare(ctx); err != nil {
				ceiling.close()
				return nil, err
			}
			row.Local = runLoad(ctx, target, clients, limits, next)
			rows = append(rows, row)
			if row.Local.Errors > 0 || row.Ceiling.Errors > 0 {
				ceiling.close()
				return rows, fmt.Errorf("%s at %d clients: %d localhcp and %d ceiling requests failed; first: %s%s",
					op.Name, clients, row.Local.Errors, row.Ceiling.Errors, row.Local.FirstError, row.Ceiling.FirstError)
			}
		}
		ceiling.close()
	}
	return rows, nil
}

// createVersions creates n incomplete versions in bucket "load" and
// returns their fingerprints.
func createVersions(ctx context.Context, target loadTarget, prefix string, n int) ([]string, error) {
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // loopback, self-signed
	defer httpClient.CloseIdleConnections()
	fps := make([]string, n)
	for i := range fps {
		fps[i] = ulid.Make().String()
		_, ok, detail := doRequest(ctx, httpClient, target, loadRequest{
			Method: http.MethodPost, Path: prefix + "/buckets/load/versions",
			Body: fmt.Appendf(nil, `{"fingerprint":%q,"template_type":"HCL2"}`, fps[i]),
		})
		if !ok {
			return nil, fmt.Errorf("create a version for the write load: %s", detail)
		}
	}
	return fps, nil
}

// probe sends req once and returns localhcp's answer body.
func probe(ctx context.Context, target loadTarget, req loadRequest) ([]byte, error) {
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // loopback, self-signed
	defer httpClient.CloseIdleConnections()
	answer, ok, detail := doRequest(ctx, httpClient, target, req)
	if !ok {
		return nil, errors.New(detail)
	}
	return answer, nil
}

// ceilingServer is the trivial net/http handler: it reads the request and
// writes a fixed answer, on a TLS listener set up as localhcp's is.
type ceilingServer struct {
	url    string
	server *http.Server
	served chan struct{}
}

func startCeiling(answer []byte) (*ceilingServer, error) {
	cert, err := selfSignedServerCert()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &ceilingServer{url: "https://" + ln.Addr().String(), served: make(chan struct{})}
	c.server = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(answer)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	tlsLn := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	go func() {
		defer close(c.served)
		if err := c.server.Serve(tlsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "bench: ceiling server: %v\n", err)
		}
	}()
	return c, nil
}

func (c *ceilingServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.server.Shutdown(ctx); err != nil {
		_ = c.server.Close()
	}
	<-c.served
}

// selfSignedServerCert is an ECDSA P-256 certificate for 127.0.0.1, the
// kind localhcp generates for itself.
func selfSignedServerCert() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "ceiling"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
