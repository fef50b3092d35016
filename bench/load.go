package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/hcptoken"
)

// loadLimits bound one load run in time and in requests, whichever comes
// first.
type loadLimits struct {
	Duration time.Duration
	Requests int64
	// Warmup requests per client open the connections (TLS handshakes)
	// before the measured part.
	Warmup int
}

// loadRequest is one request of a load run.
type loadRequest struct {
	Method string
	Path   string
	Body   []byte
}

// loadTarget is a server under load: its base URL and bearer token.
type loadTarget struct {
	BaseURL string
	Token   string
}

// loadResult is what one run measured.
type loadResult struct {
	Clients   int
	Elapsed   time.Duration
	Latencies []time.Duration
	Errors    int64
	// FirstError describes the first unexpected answer, if any.
	FirstError string
}

// RPS is the throughput of the run.
func (r loadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Latencies)) / r.Elapsed.Seconds()
}

// runLoad sends requests (made by next from a sequence number unique to the
// run) from clients concurrent clients, each on its own keep-alive
// connection, and records every measured request's latency. Only HTTP 200
// counts as success.
func runLoad(ctx context.Context, target loadTarget, clients int, limits loadLimits, next func(seq int64) loadRequest) loadResult {
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback benchmark against a self-signed certificate
		MaxIdleConns:        clients,
		MaxIdleConnsPerHost: clients,
		MaxConnsPerHost:     clients,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	httpClient := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	var seq atomic.Int64
	var errs atomic.Int64
	var firstErr atomic.Pointer[string]
	send := func(record bool) (time.Duration, bool) {
		req := next(seq.Add(1))
		start := time.Now()
		_, ok, detail := doRequest(ctx, httpClient, target, req)
		d := time.Since(start)
		if !ok && record {
			errs.Add(1)
			firstErr.CompareAndSwap(nil, &detail)
		}
		return d, ok
	}

	// Warm up: every client opens its connection and sends a few requests.
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for range limits.Warmup {
				send(false)
			}
		})
	}
	wg.Wait()

	var budget atomic.Int64
	budget.Store(limits.Requests)
	perClient := make([][]time.Duration, clients)
	deadline := time.Now().Add(limits.Duration)
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for budget.Add(-1) >= 0 && time.Now().Before(deadline) && ctx.Err() == nil {
				d, ok := send(true)
				if ok {
					perClient[c] = append(perClient[c], d)
				}
			}
		})
	}
	wg.Wait()
	res := loadResult{Clients: clients, Elapsed: time.Since(start), Errors: errs.Load()}
	for _, ds := range perClient {
		res.Latencies = append(res.Latencies, ds...)
	}
	if p := firstErr.Load(); p != nil {
		res.FirstError = *p
	}
	return res
}

// doRequest sends req and reads the whole answer, as a client would. ok
// reports HTTP 200; otherwise detail says what came back.
func doRequest(ctx context.Context, c *http.Client, target loadTarget, req loadRequest) (answer []byte, ok bool, detail string) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	r, err := http.NewRequestWithContext(ctx, req.Method, target.BaseURL+req.Path, body)
	if err != nil {
		return nil, false, err.Error()
	}
	r.Header.Set("Accept", "application/json")
	if req.Body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if target.Token != "" {
		r.Header.Set("Authorization", "Bearer "+target.Token)
	}
	resp, err := c.Do(r)
	if err != nil {
		return nil, false, err.Error()
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(resp.Body)
	if err != nil {
		return nil, false, err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		return nil, false, fmt.Sprintf("%s %s: HTTP %d %s", req.Method, req.Path, resp.StatusCode, answer)
	}
	return answer, true, ""
}

// fetchToken gets an access token from localhcp's token endpoint with the
// client-credentials grant.
func fetchToken(ctx context.Context, baseURL, clientID, secret string) (string, error) {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // loopback, self-signed
	tok, err := hcptoken.Fetch(ctx, c, baseURL, clientID, secret)
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}
