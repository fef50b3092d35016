package client

import (
	"bytes"
	"context"
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
type transport struct {
	base          http.RoundTripper
	tokens        oauth2.TokenSource
	sourceChannel string
	// secrets are masked in every log line besides the access token.
	secrets []string
	policy  retryPolicy
}

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

	token, err := t.tokens.Token()
	if err != nil {
		return nil, &tokenError{err: fmt.Errorf("%s", redact(err.Error(), t.secrets...))}
	}
	ctx := httpLogContext(req.Context(), append([]string{token.AccessToken}, t.secrets...)...)

	for attempt := 1; ; attempt++ {
		out := req.Clone(req.Context())
		out.Body = body()
		out.Header.Set("Authorization", token.Type()+" "+token.AccessToken)
		out.Header.Set("X-HCP-Source-Channel", t.sourceChannel)

		logRequest(ctx, out, attempt)
		start := time.Now()
		resp, err := t.base.RoundTrip(out)
		elapsed := time.Since(start)
		var errorBody string
		if err == nil && resp.StatusCode >= 400 {
			rewriteForeignErrorAnswer(resp)
			errorBody = peekBody(resp)
		}
		logResponse(ctx, out, attempt, elapsed, resp, errorBody, err)

		decision := t.policy.decide(attempt, req.Method, outcomeOf(resp, err), time.Now())
		if !decision.retry || !fitsDeadline(req.Context(), decision.wait) {
			return resp, err
		}
		if resp != nil {
			drain(resp)
		}
		logRetry(ctx, out, attempt, decision)
		if err := sleep(req.Context(), decision.wait); err != nil {
			return nil, fmt.Errorf("%w while waiting to retry %s %s after attempt %d (%s)",
				err, req.Method, req.URL.Path, attempt, decision.reason)
		}
	}
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
