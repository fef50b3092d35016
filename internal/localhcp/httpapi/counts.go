package httpapi

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Keys of RequestCounts besides the endpoints' actions.
const (
	// CountToken counts requests to the OAuth2 token endpoint.
	CountToken = "oauth2.token"
	// CountFault counts API requests answered by fault injection.
	CountFault = "fault.injected"
	// CountOther counts requests that reached no endpoint: bad tokens,
	// unknown routes, unsupported methods, out-of-scope features.
	CountOther = "other"
	// CountSBOMDownload counts requests to SBOM download links.
	CountSBOMDownload = "packer.sboms.download"
)

// requestCounts counts the requests the handler received, by what answered
// them, so benchmarks and tests can see how many calls a client made. It is
// lock-free on the request path: the counters are created when routes are
// registered and only read afterwards.
type requestCounts struct {
	mu       sync.Mutex
	counters map[string]*atomic.Int64
}

// counter returns the counter for key, creating it at registration time.
func (rc *requestCounts) counter(key string) *atomic.Int64 {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.counters == nil {
		rc.counters = map[string]*atomic.Int64{}
	}
	c, ok := rc.counters[key]
	if !ok {
		c = new(atomic.Int64)
		rc.counters[key] = c
	}
	return c
}

// snapshot returns the non-zero counts.
func (rc *requestCounts) snapshot() map[string]int64 {
	rc.mu.Lock()
	counters := maps.Clone(rc.counters)
	rc.mu.Unlock()
	out := map[string]int64{}
	for k, c := range counters {
		if n := c.Load(); n > 0 {
			out[k] = n
		}
	}
	return out
}

// RequestCounts returns how many requests the handler received since it
// was built, by endpoint action (e.g. "packer.channels.get") plus
// CountToken, CountFault and CountOther. Keys with no request are absent.
func (h *Handler) RequestCounts() map[string]int64 { return h.counts.snapshot() }
