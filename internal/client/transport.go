package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// transport is the http.RoundTripper under the SDK runtime. For each API
// request it attaches the bearer token and source channel, logs every
// attempt through tflog with secrets masked, and retries what is safe to
// retry within the request's context.
//
// The retry loop is hand-written rather than go-retryablehttp's: its
// CheckRetry sees no request when an attempt failed without an answer, so
// the method-aware rule for a broken connection has no method to go on; its
// Backoff sees neither the context's deadline nor the reason, so "give the
// last answer back when the wait outlasts the deadline" and the warn-level
// retry line need state smuggled between the two; and the per-attempt
// timeout, headers and logging stay here anyway. The adapter would be as
// long as the loop it replaces.
type transport struct {
	base http.RoundTripper
	// tokens gives the bearer token of each request; nil sends none (the
	// token endpoint's own requests).
	tokens        oauth2.TokenSource
	sourceChannel string
	// secrets are masked in every log line besides the access token.
	secrets []string
	policy  retryPolicy
	// attemptTimeout bounds each attempt, from connecting to the end of
	// the answer's body; zero means defaultRequestTimeout.
	attemptTimeout time.Duration
	// sleep waits out the pause before a retry; nil means the real clock.
	// Tests record the waits they are asked for instead of sitting them out.
	sleep func(ctx context.Context, d time.Duration) error
}

// defaultRequestTimeout bounds one attempt of a request when the provider's
// request_timeout is not set. HCP answers in well under a second; the
// bound only has to stop a server that accepted a connection and went
// silent from holding the run.
const defaultRequestTimeout = 30 * time.Second

// timeoutError reports an attempt that got no complete answer in time.
type timeoutError struct {
	method, path string
	timeout      time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no answer to %s %s within %s", e.method, e.path, e.timeout)
}

// Timeout makes a timeoutError a net.Error that timed out.
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return false }

// tokenError reports that no access token could be obtained for a request.
type tokenError struct{ err error }

func (e *tokenError) Error() string {
	return "could not obtain an HCP access token: " + e.err.Error()
}
func (e *tokenError) Unwrap() error { return e.err }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := replayableBody(req)
	if err != nil {
		return nil, err
	}

	var token *oauth2.Token
	secrets := t.secrets
	if t.tokens != nil {
		token, err = tokenFor(req.Context(), t.tokens)
		if err != nil {
			return nil, &tokenError{err: fmt.Errorf("%s", redact(MessageOf(err), t.secrets...))}
		}
		secrets = append([]string{token.AccessToken}, secrets...)
	}
	ctx := httpLogContext(req.Context(), secrets...)

	for attempt := 1; ; attempt++ {
		resp, err := t.attempt(ctx, req, body, token, attempt)

		decision := t.policy.decide(attempt, req.Method, outcomeOf(resp, err), time.Now())
		if !decision.retry || !fitsDeadline(req.Context(), decision.wait) {
			return resp, err
		}
		if resp != nil {
			drain(resp)
		}
		logRetry(ctx, req, attempt, decision)
		if err := t.pause(req.Context(), decision.wait); err != nil {
			return nil, fmt.Errorf("%w while waiting to retry %s %s after attempt %d (%s)",
				err, req.Method, req.URL.Path, attempt, decision.reason)
		}
	}
}

// attempt sends req once, within the attempt timeout, and logs it. The
// timeout's context lives until the answer's body is closed.
func (t *transport) attempt(ctx context.Context, req *http.Request, body func() io.ReadCloser, token *oauth2.Token, attempt int) (*http.Response, error) {
	timeout := t.attemptTimeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	attemptCtx, cancel := context.WithTimeout(req.Context(), timeout)
	out := req.Clone(attemptCtx)
	out.Body = body()
	// With GetBody, net/http itself resends a request whose reused
	// connection failed before any byte of it was written.
	out.GetBody = func() (io.ReadCloser, error) { return body(), nil }
	if token != nil {
		out.Header.Set("Authorization", token.Type()+" "+token.AccessToken)
	}
	if t.sourceChannel != "" {
		out.Header.Set("X-HCP-Source-Channel", t.sourceChannel)
	}

	logRequest(ctx, out, attempt)
	start := time.Now()
	resp, err := t.base.RoundTrip(out)
	elapsed := time.Since(start)
	if err != nil {
		if errors.Is(attemptCtx.Err(), context.DeadlineExceeded) && req.Context().Err() == nil {
			err = &timeoutError{method: req.Method, path: req.URL.Path, timeout: timeout}
		}
		cancel()
		logResponse(ctx, out, attempt, elapsed, nil, "", err)
		return nil, err
	}
	var errorBody string
	if resp.StatusCode >= 400 {
		// The token endpoint's refusals are OAuth2's own, which
		// golang.org/x/oauth2 reads in JSON or form encoding.
		if token != nil {
			rewriteForeignErrorAnswer(resp)
		}
		errorBody = peekBody(resp)
	}
	logResponse(ctx, out, attempt, elapsed, resp, errorBody, nil)
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends an attempt's context once its answer has been read.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// replayableBody returns a function that yields a fresh copy of the
// request body for each attempt. It consumes and closes req.Body, as a
// RoundTripper must.
func replayableBody(req *http.Request) (func() io.ReadCloser, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return func() io.ReadCloser { return http.NoBody }, nil
	}
	defer func() { _ = req.Body.Close() }()
	if req.GetBody != nil {
		getBody := req.GetBody
		// GetBody over an in-memory body cannot fail; should a custom one
		// fail, the attempt fails on an empty body rather than resending
		// a half-read one.
		return func() io.ReadCloser {
			b, err := getBody()
			if err != nil {
				return io.NopCloser(errReader{err})
			}
			return b
		}, nil
	}
	data, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the body of %s %s: %w", req.Method, req.URL.Path, err)
	}
	return func() io.ReadCloser { return io.NopCloser(bytes.NewReader(data)) }, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// peekBody returns the start of an error answer for the log and puts it
// back so the SDK still reads the whole body.
func peekBody(resp *http.Response) string {
	buf := make([]byte, maxLoggedBody)
	n, err := io.ReadFull(resp.Body, buf)
	buf = buf[:n]
	rest := resp.Body
	resp.Body = readCloser{Reader: io.MultiReader(bytes.NewReader(buf), rest), Closer: rest}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return ""
	}
	return strings.TrimSpace(string(buf))
}

type readCloser struct {
	io.Reader
	io.Closer
}

// drain discards an answer that is about to be retried so that its
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// fitsDeadline reports whether waiting d still leaves time before the
// context's deadline; when it does not, the last answer is worth more to
// the caller than a retry that cannot finish.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Now().Add(d).Before(deadline)
}

// pause waits d before a retry, on the transport's sleep when it has one.
func (t *transport) pause(ctx context.Context, d time.Duration) error {
	if t.sleep != nil {
		return t.sleep(ctx, d)
	}
	return sleep(ctx, d)
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
