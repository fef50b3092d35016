package localhcp_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{Faults: localhcp.Faults{Rate: 1}})
	r := newRawClient(t, srv, "contributor") // the token endpoint is never faulted
	seen := map[int]bool{}
	deadline := time.Now().Add(10 * time.Second)
	for !seen[http.StatusTooManyRequests] || !seen[http.StatusServiceUnavailable] {
		if time.Now().After(deadline) {
			t.Fatalf("saw only %v in 10s of fully faulted calls", seen)
		}
		req := r.packerPath("/buckets")
		st, out, raw := r.do("GET", req, nil)
		switch st {
		case 429:
			if out["code"] != float64(8) {
				t.Fatalf("429 body %s", raw)
			}
		case 503:
			if out["code"] != float64(14) {
				t.Fatalf("503 body %s", raw)
			}
		default:
			t.Fatalf("rate 1 let a call through: %d %s", st, raw)
		}
		seen[st] = true
	}
	if got := srv.InjectedFaults(); got.TooManyRequests < 1 || got.Unavailable < 1 {
		t.Fatalf("InjectedFaults() = %+v after both kinds of fault were answered", got)
	}
	// A faulted write has no effect.
	c := clientsFor(t, srv, "contributor")
	if _, err := c.createBucket("ghost", "", nil); err == nil {
		t.Fatal("faulted create succeeded")
	}
	srv.SetFaults(localhcp.Faults{})
	wantCode(t, check(c.getBucket("ghost")).err, 404, 5)

	srv.SetFaults(localhcp.Faults{Latency: 150 * time.Millisecond})
	start := time.Now()
	check(c.listBuckets(0, "")).ok(t)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("call took %s with 150ms of injected latency", d)
	}
	srv.SetFaults(localhcp.Faults{})
}

func TestRetryAfterOn429(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{Faults: localhcp.Faults{Rate: 1}})
	r := newRawClient(t, srv, "viewer")
	for _, tc := range []struct {
		retryAfter time.Duration
		want       string
	}{
		{0, "1"}, // the default
		{3 * time.Second, "3"},
		{2500 * time.Millisecond, "2"}, // whole seconds, rounded down
		{100 * time.Millisecond, "0"},  // sub-second: retry at the client's pace
	} {
		srv.SetFaults(localhcp.Faults{Rate: 1, RetryAfter: tc.retryAfter})
		if got := first429RetryAfter(t, r); got != tc.want {
			t.Errorf("RetryAfter %v: 429 carries Retry-After %q, want %q", tc.retryAfter, got, tc.want)
		}
	}
}

// first429RetryAfter calls the API until a 429 comes back and returns its
// Retry-After header.
func first429RetryAfter(t *testing.T, r *rawClient) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := newRequest(r, "GET", r.packerPath("/buckets"))
		resp, err := r.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			return resp.Header.Get("Retry-After")
		}
	}
	t.Fatal("no 429 within 10s")
	return ""
}
