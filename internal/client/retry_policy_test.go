package client

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"99999999999", 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"Sat, 01 Mar 2025 12:00:05 GMT", 5 * time.Second, true},
		{"Saturday, 01-Mar-25 12:00:10 GMT", 10 * time.Second, true}, // RFC 850, still valid
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			got, ok := parseRetryAfter(tt.value, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestRetryPolicyDecide(t *testing.T) {
	t.Parallel()
	p := retryPolicy{
		maxAttempts:   4,
		baseDelay:     100 * time.Millisecond,
		maxDelay:      5 * time.Second,
		maxRetryAfter: time.Minute,
		jitter:        func(time.Duration) time.Duration { return 0 },
	}
	now := time.Now()
	answer := func(status int, retryAfter string) outcome {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return outcome{status: status, header: h}
	}
	dialErr := &url.Error{Op: "Post", URL: "https://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	resetErr := &url.Error{Op: "Post", URL: "https://x", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	eofErr := &url.Error{Op: "Get", URL: "https://x", Err: io.EOF}
	closedIdleErr := &url.Error{Op: "Patch", URL: "https://x", Err: errors.New("http: server closed idle connection")}

	tests := []struct {
		name      string
		attempt   int
		method    string
		out       outcome
		wantRetry bool
		wantWait  time.Duration
	}{
		{"200 is final", 1, "GET", answer(200, ""), false, 0},
		{"404 is final", 1, "GET", answer(404, ""), false, 0},
		{"500 is final", 1, "GET", answer(500, ""), false, 0},
		{"429 with Retry-After seconds", 1, "POST", answer(429, "2"), true, 2 * time.Second},
		{"429 with an HTTP date", 1, "PATCH", answer(429, now.Add(3*time.Second).UTC().Format(http.TimeFormat)), true, 2 * time.Second},
		{"429 without Retry-After backs off", 1, "POST", answer(429, ""), true, 50 * time.Millisecond},
		{"429 with Retry-After: 0 still backs off", 3, "GET", answer(429, "0"), true, 200 * time.Millisecond},
		{"429 with a past HTTP date still backs off", 2, "GET", answer(429, now.Add(-time.Minute).UTC().Format(http.TimeFormat)), true, 100 * time.Millisecond},
		{"429 asking for too long is passed on", 1, "GET", answer(429, "3600"), false, 0},
		{"503 retries a POST: the server did not act", 2, "POST", answer(503, ""), true, 100 * time.Millisecond},
		{"502 retries a GET", 3, "GET", answer(502, ""), true, 200 * time.Millisecond},
		{"504 retries a DELETE", 1, "DELETE", answer(504, ""), true, 50 * time.Millisecond},
		{"502 does not retry a POST", 1, "POST", answer(502, ""), false, 0},
		{"504 does not retry a PATCH", 1, "PATCH", answer(504, ""), false, 0},
		{"504 does not retry the PUT that creates a bucket", 1, "PUT", answer(504, ""), false, 0},
		{"the last attempt is final", 4, "GET", answer(503, ""), false, 0},
		{"a refused connection retries any method", 1, "POST", outcome{err: dialErr}, true, 50 * time.Millisecond},
		{"a reset retries a GET", 1, "GET", outcome{err: resetErr}, true, 50 * time.Millisecond},
		{"a reset does not retry a POST", 1, "POST", outcome{err: resetErr}, false, 0},
		{"a closed connection retries a GET", 1, "GET", outcome{err: eofErr}, true, 50 * time.Millisecond},
		{"an idle connection closed by a shutdown retries a GET", 1, "GET", outcome{err: closedIdleErr}, true, 50 * time.Millisecond},
		{"an idle connection closed by a shutdown does not resend a PATCH", 1, "PATCH", outcome{err: closedIdleErr}, false, 0},
		{"other errors are final", 1, "GET", outcome{err: errors.New("x509: certificate signed by unknown authority")}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := p.decide(tt.attempt, tt.method, tt.out, now)
			if d.retry != tt.wantRetry {
				t.Fatalf("retry = %v (reason %q), want %v", d.retry, d.reason, tt.wantRetry)
			}
			// HTTP dates have a resolution of one second.
			if tt.wantRetry && (d.wait < tt.wantWait || d.wait > tt.wantWait+time.Second) {
				t.Errorf("wait = %v, want %v", d.wait, tt.wantWait)
			}
			if d.reason == "" {
				t.Error("the decision gives no reason")
			}
		})
	}
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	t.Parallel()
	p := defaultRetryPolicy()
	for attempt := 1; attempt <= 20; attempt++ {
		full := min(p.baseDelay<<(attempt-1), p.maxDelay)
		if attempt > 10 {
			full = p.maxDelay
		}
		for range 50 {
			d := p.backoff(attempt)
			if d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}
