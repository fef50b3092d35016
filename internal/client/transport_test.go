package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
)

// scriptedServer answers each attempt with the next step of its script;
// the last step repeats.
type scriptedServer struct {
	srv      *httptest.Server
	attempts atomic.Int32
	bodies   chan string
}

type step func(w http.ResponseWriter, r *http.Request)

func answerStatus(status int, retryAfter string) step {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeRPCError(w, status, 14, http.StatusText(status))
	}
}

func answerOK(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{})
}

// resetConnection hijacks the connection and closes it with a TCP reset,
// so the client never gets an answer.
func resetConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*tls.Conn); ok {
		if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
	}
	_ = conn.Close()
}

func newScriptedServer(t *testing.T, script ...step) *scriptedServer {
	t.Helper()
	s := &scriptedServer{bodies: make(chan string, 100)}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.attempts.Add(1))
		body, _ := io.ReadAll(r.Body)
		s.bodies <- string(body)
		script[min(n, len(script))-1](w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func testTransport(policy retryPolicy) *transport {
	return &transport{
		base:          &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // self-signed test server
		tokens:        oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok", TokenType: "Bearer"}),
		sourceChannel: "test",
		policy:        policy,
	}
}

// recordWaits makes tr note each wait before a retry instead of sleeping
// it, and returns the waits noted so far.
func recordWaits(tr *transport) *[]time.Duration {
	var waits []time.Duration
	tr.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return &waits
}

func fastPolicy() retryPolicy {
	return retryPolicy{
		maxAttempts:   4,
		baseDelay:     time.Millisecond,
		maxDelay:      4 * time.Millisecond,
		maxRetryAfter: time.Minute,
		jitter:        func(time.Duration) time.Duration { return 0 },
	}
}

func TestTransportRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		script       []step
		wantAttempts int32
		wantStatus   int // 0: want a transport error
		wantWaits    []time.Duration
	}{
		// fastPolicy's backoff before attempt n+1 is half of 1ms·2^(n-1),
		// with no jitter; a Retry-After is the floor of the wait.
		{"429 with Retry-After, then 200", "POST", []step{answerStatus(429, "1"), answerOK}, 2, 200, []time.Duration{time.Second}},
		{"two 503s, then 200", "PATCH", []step{answerStatus(503, ""), answerStatus(503, ""), answerOK}, 3, 200, []time.Duration{500 * time.Microsecond, time.Millisecond}},
		{"503 until the attempts run out", "GET", []step{answerStatus(503, "")}, 4, 503, []time.Duration{500 * time.Microsecond, time.Millisecond, 2 * time.Millisecond}},
		{"502 retried for a GET", "GET", []step{answerStatus(502, ""), answerOK}, 2, 200, []time.Duration{500 * time.Microsecond}},
		{"502 passed on for a POST", "POST", []step{answerStatus(502, ""), answerOK}, 1, 502, nil},
		{"connection reset retried for a GET", "GET", []step{resetConnection, answerOK}, 2, 200, []time.Duration{500 * time.Microsecond}},
		{"connection reset retried for a DELETE", "DELETE", []step{resetConnection, resetConnection, answerOK}, 3, 200, []time.Duration{500 * time.Microsecond, time.Millisecond}},
		{"connection reset not retried for a POST", "POST", []step{resetConnection, answerOK}, 1, 0, nil},
		{"400 is final", "GET", []step{answerStatus(400, ""), answerOK}, 1, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScriptedServer(t, tt.script...)
			const payload = `{"name":"stable"}`
			req, err := http.NewRequest(tt.method, s.srv.URL+"/packer/x", strings.NewReader(payload))
			if err != nil {
				t.Fatal(err)
			}
			tr := testTransport(fastPolicy())
			waits := recordWaits(tr)
			resp, err := tr.RoundTrip(req)

			if got := s.attempts.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			if tt.wantStatus == 0 {
				if err == nil {
					t.Fatalf("got HTTP %d, want a transport error", resp.StatusCode)
				}
			} else {
				if err != nil {
					t.Fatalf("RoundTrip: %v", err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				if _, err := io.ReadAll(resp.Body); err != nil {
					t.Errorf("reading the final answer: %v", err)
				}
			}
			if !slices.Equal(*waits, tt.wantWaits) {
				t.Errorf("waited %v before the retries, want %v", *waits, tt.wantWaits)
			}
			// Every attempt must carry the whole body again.
			for i := int32(0); i < s.attempts.Load(); i++ {
				if got := <-s.bodies; got != payload {
					t.Errorf("attempt %d sent body %q, want %q", i+1, got, payload)
				}
			}
		})
	}
}

func TestTransportStopsPromptlyWhenCancelled(t *testing.T) {
	t.Parallel()
	answered := make(chan struct{}, 10)
	s := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerStatus(503, "30")(w, r)
		answered <- struct{}{}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-answered
		cancel()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.srv.URL+"/packer/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := testTransport(fastPolicy()).RoundTrip(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RoundTrip error = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("returned after %v, want promptly after the cancellation (Retry-After was 30 s)", elapsed)
	}
	if got := s.attempts.Load(); got != 1 {
		t.Errorf("attempts = %d, want 1", got)
	}
}

func TestTransportPassesOnAnswerWhenTheWaitWouldOutliveTheDeadline(t *testing.T) {
	t.Parallel()
	s := newScriptedServer(t, answerStatus(429, "30"), answerOK)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.srv.URL+"/packer/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := testTransport(fastPolicy()).RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("status = %d, want the 429 itself", resp.StatusCode)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("waited %v for a retry that could not finish before the deadline", elapsed)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Contains(body, []byte(`"code":14`)) {
		t.Errorf("the answer's body was not passed on intact: %q, %v", body, err)
	}
}

func TestTransportSetsAuthorizationAndSourceChannel(t *testing.T) {
	t.Parallel()
	got := make(chan http.Header, 1)
	s := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		answerOK(w, r)
	})
	req, err := http.NewRequest(http.MethodGet, s.srv.URL+"/packer/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := testTransport(fastPolicy())
	tr.sourceChannel = sourceChannelHeader("terraform-provider-hcppacker/1.2.3")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	h := <-got
	if h.Get("Authorization") != "Bearer tok" {
		t.Errorf("Authorization = %q", h.Get("Authorization"))
	}
	if sc := h.Get("X-HCP-Source-Channel"); !strings.HasPrefix(sc, "terraform-provider-hcppacker/1.2.3 hcp-go-sdk/") {
		t.Errorf("X-HCP-Source-Channel = %q", sc)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("RoundTrip modified the caller's request")
	}
}

// neverAnswer holds the request until the client gives up on it. Reading
// the body first lets the server notice the client hanging up.
func neverAnswer(_ http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// TestTransportBoundsAnAttemptThatNeverAnswers checks that a server that
// accepts a request and stays silent fails it after the attempt timeout,
// once, instead of holding the run: a silent server is not retried.
func TestTransportBoundsAnAttemptThatNeverAnswers(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			s := newScriptedServer(t, neverAnswer)
			req, err := http.NewRequest(method, s.srv.URL+"/packer/x", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			tr := testTransport(fastPolicy())
			tr.attemptTimeout = 500 * time.Millisecond
			start := time.Now()
			resp, err := tr.RoundTrip(req)
			if resp != nil {
				_ = resp.Body.Close()
			}
			var timeout *timeoutError
			if !errors.As(err, &timeout) || timeout.timeout != tr.attemptTimeout {
				t.Fatalf("RoundTrip error = %v, want a timeoutError of %v", err, tr.attemptTimeout)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("returned after %v, want about the 500ms timeout", elapsed)
			}
			// On a loaded machine the timeout may strike before the
			// request arrives; what matters is that it is not sent again.
			if got := s.attempts.Load(); got > 1 {
				t.Errorf("attempts = %d, want the timed-out one only", got)
			}
		})
	}
}

// TestTransportTimeoutCoversTheBody checks that the attempt timeout also
// bounds reading an answer whose body never ends.
func TestTransportTimeoutCoversTheBody(t *testing.T) {
	t.Parallel()
	// The answer's headers arrive at once and its body stalls after a few
	// bytes until the request's context ends, as net/http's body does; no
	// network is involved, so a short timeout cannot expire before the
	// headers on a loaded machine.
	tr := testTransport(fastPolicy())
	tr.base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{},
			Body:       io.NopCloser(io.MultiReader(strings.NewReader(`{"partial":`), stallUntilDone{r.Context()})),
			Request:    r,
		}, nil
	})
	tr.attemptTimeout = 50 * time.Millisecond
	req, err := http.NewRequest(http.MethodGet, "https://127.0.0.1/packer/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	defer resp.Body.Close()
	start := time.Now()
	got, err := io.ReadAll(resp.Body)
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("reading took %v, want about the 50ms timeout", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) || string(got) != `{"partial":` {
		t.Errorf("reading the endless body = %q, %v; want what the server sent before it stalled, then the deadline", got, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// stallUntilDone is a body that sends nothing more until ctx ends.
type stallUntilDone struct{ ctx context.Context }

func (s stallUntilDone) Read([]byte) (int, error) {
	<-s.ctx.Done()
	return 0, s.ctx.Err()
}

// TestClientReportsATimeoutWithTheSettingToRaise checks the message a
// user sees when HCP never answers.
func TestClientReportsATimeoutWithTheSettingToRaise(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	f.handle("GET /packer/2023-01-01/organizations/o/projects/p/buckets/web", neverAnswer)
	rt := newRuntime(f.address(), &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // test server with a self-signed certificate
		oauth2.StaticTokenSource(&oauth2.Token{AccessToken: f.token, TokenType: "Bearer"}), "test", f.clientSecret)
	rt.Transport.(*transport).attemptTimeout = 200 * time.Millisecond
	c := newClient(rt)
	c.location = Location{OrganizationID: "o", ProjectID: "p"}

	_, err := c.GetBucket(context.Background(), c.Location(), "web")
	if CodeOf(err) != codes.DeadlineExceeded {
		t.Fatalf("GetBucket = %v, want DeadlineExceeded", err)
	}
	msg := MessageOf(err)
	for _, want := range []string{f.address(), "GET /packer/2023-01-01/organizations/o/projects/p/buckets/web", "200ms", "request_timeout", "HCP_REQUEST_TIMEOUT"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
}
