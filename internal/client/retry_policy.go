package client

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// retryPolicy decides whether and when a request is sent again.
type retryPolicy struct {
	// maxAttempts bounds the attempts of one request, the first included.
	maxAttempts int
	// baseDelay and maxDelay shape the exponential backoff.
	baseDelay time.Duration
	maxDelay  time.Duration
	// maxRetryAfter is the longest Retry-After the client waits for; a
	// server asking for more gets its answer passed on instead.
	maxRetryAfter time.Duration
	// jitter returns a random duration in [0, d); tests make it fixed.
	jitter func(d time.Duration) time.Duration
	// replayAll marks every request as safe to send twice whatever its
	// method: true for the token endpoint, where a second POST only
	// issues a second token.
	replayAll bool
}

func defaultRetryPolicy() retryPolicy {
	return retryPolicy{
		maxAttempts:   8,
		baseDelay:     100 * time.Millisecond,
		maxDelay:      5 * time.Second,
		maxRetryAfter: time.Minute,
		jitter:        randomJitter,
	}
}

func randomJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// retryDecision is the policy's verdict on one attempt.
type retryDecision struct {
	retry  bool
	wait   time.Duration
	reason string // why the attempt failed, for the log
}

// outcome is what an attempt produced: an answer's status and headers, or
// the error that prevented one.
type outcome struct {
	status int
	header http.Header
	err    error
}

func outcomeOf(resp *http.Response, err error) outcome {
	if err != nil {
		return outcome{err: err}
	}
	return outcome{status: resp.StatusCode, header: resp.Header}
}

// decide judges the outcome of attempt (1-based) of a request with method.
// now is the time Retry-After dates are measured from.
func (p retryPolicy) decide(attempt int, method string, out outcome, now time.Time) retryDecision {
	reason, retryable, retryAfter := classifyOutcome(p.replayAll || replayable(method), out, now)
	if !retryable || attempt >= p.maxAttempts {
		return retryDecision{reason: reason}
	}
	wait := p.backoff(attempt)
	if retryAfter >= 0 {
		if retryAfter > p.maxRetryAfter {
			return retryDecision{reason: reason + " (Retry-After too long)"}
		}
		// Retry-After is the server's floor, not a licence to hurry: a
		// "0" (or a date already past) answered again and again must not
		// turn the remaining attempts into a burst with no pause at all.
		wait = max(wait, retryAfter)
	}
	return retryDecision{retry: true, wait: wait, reason: reason}
}

// classifyOutcome says why an attempt failed, whether sending it again is
// safe, and the server's Retry-After (negative when it gave none). replay
// says whether the request may be sent again when its outcome is unknown.
//
// Retried whatever the method: a dial error (no server saw the request), a
// 429 or 503 (the server says it did not act). A reused connection that
// failed before any byte of the request was written is resent by net/http
// itself, given the request's GetBody.
//
// Not retried, because the server may have acted on them: a POST, PATCH or
// PUT whose connection broke after the request was written (a restarting
// server closes connections that way) or that got a gateway's 502 or 504.
// The client's updates read such writes back and send them again only when
// they had not been applied (see confirmWrite); creates fail. An attempt
// that timed out is not retried either, whatever the method: a server that
// let it run that long is unlikely to answer the next one sooner, and
// retrying would multiply the bound the user set.
func classifyOutcome(replay bool, out outcome, now time.Time) (reason string, retryable bool, retryAfter time.Duration) {
	if err := out.err; err != nil {
		switch {
		case neverSent(err):
			// The connection was never made: no server saw the request.
			return "connection failed: " + err.Error(), true, -1
		case connectionBroken(err):
			// The server may have acted before the connection broke.
			return "connection broken: " + err.Error(), replay, -1
		default:
			return err.Error(), false, -1
		}
	}
	reason = fmt.Sprintf("HTTP %d", out.status)
	switch out.status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		// The server answered that it did not act on the request, so
		// sending it again is safe whatever the method.
		wait, ok := parseRetryAfter(out.header.Get("Retry-After"), now)
		if !ok {
			wait = -1
		}
		return reason, true, wait
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		// A gateway answered; the service behind it may have acted.
		return reason, replay, -1
	default:
		return reason, false, -1
	}
}

// backoff is the capped exponential delay before attempt+1, with equal
// jitter: half of it fixed so retries never pile up at once, half random so
// that concurrent clients spread out.
func (p retryPolicy) backoff(attempt int) time.Duration {
	d := p.baseDelay
	for i := 1; i < attempt && d < p.maxDelay; i++ {
		d *= 2
	}
	d = min(d, p.maxDelay)
	half := d / 2
	return half + p.jitter(d-half)
}

// replayable reports whether a request whose outcome is unknown may be sent
// again. GET, HEAD and OPTIONS change nothing; a repeated DELETE can only
// answer "not found", which callers treat as success. PUT is excluded
// because the one PUT of this API (CreateBucket) creates, and POST and
// PATCH may act twice.
func replayable(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete:
		return true
	default:
		return false
	}
}

// neverSent reports whether err happened while connecting, before any byte
// of the request could reach the server.
func neverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// connectionBroken reports whether err is a connection reset or a
// connection the server closed before answering.
func connectionBroken(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		closedByServer(err)
}

// closedByServerMessages are how net/http reports a connection the server
// closed under a request it had sent; it exports no error value for them.
// The first is HTTP/1.1's, when a server that shuts down closes an idle
// connection just as a request goes out on it; the second HTTP/2's.
var closedByServerMessages = []string{"http: server closed idle connection", "http2: client connection lost"}

func closedByServer(err error) bool {
	msg := err.Error()
	for _, m := range closedByServerMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). A date in the past means "now".
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Beyond a day the value is nonsense; clamping avoids overflow.
		return time.Duration(min(secs, 86400)) * time.Second, true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}
