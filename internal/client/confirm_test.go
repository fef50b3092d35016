package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

// hangUp closes the connection of a request without answering it, as a
// server that shuts down mid-request does.
func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// lostAnswerChannel is a channel whose first write loses its answer, before
// or after the write is applied.
type lostAnswerChannel struct {
	mu           sync.Mutex
	fingerprint  string
	writes       int
	applyThenHup bool
}

func (s *lostAnswerChannel) serve(f *fakeHCP, path string) {
	answer := func(w http.ResponseWriter) {
		ch := map[string]any{"id": "01HC", "name": "stable"}
		if s.fingerprint != "" {
			ch["version"] = map[string]any{"id": "01HV", "fingerprint": s.fingerprint}
		}
		writeJSON(w, http.StatusOK, map[string]any{"channel": ch})
	}
	f.handle("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		answer(w)
	})
	write := func(w http.ResponseWriter, _ *http.Request) {
		// The fake has decoded the body already, into its record.
		sent := f.recorded()
		fingerprint, _ := sent[len(sent)-1].Body["version_fingerprint"].(string)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.writes++
		if s.writes == 1 && !s.applyThenHup {
			hangUp(w)
			return
		}
		s.fingerprint = fingerprint
		if s.writes == 1 {
			hangUp(w)
			return
		}
		answer(w)
	}
	f.handle("PATCH "+path, write)
	f.handle("POST "+packerBase+"/buckets/web/channels", write)
}

// TestUpdateChannelSurvivesALostAnswer checks that a write whose connection
// the server closed is read back: sent again when it had not been applied,
// done when it had, and never sent twice.
func TestUpdateChannelSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name         string
		applyThenHup bool
		wantWrites   int
	}{
		{"lost before it was applied: sent again", false, 2},
		{"lost after it was applied: read back", true, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeHCP(t)
			s := &lostAnswerChannel{applyThenHup: tt.applyThenHup}
			s.serve(f, packerBase+"/buckets/web/channels/stable")
			fp := "fp-2"

			ch, err := f.client(testLoc).UpdateChannel(context.Background(), testLoc, "web", "stable", ChannelUpdate{VersionFingerprint: &fp})
			if err != nil {
				t.Fatalf("UpdateChannel: %v", err)
			}
			if ch.Version == nil || ch.Version.Fingerprint != fp {
				t.Errorf("UpdateChannel returned %+v, want the channel on %s", ch, fp)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.writes != tt.wantWrites || s.fingerprint != fp {
				t.Errorf("server saw %d writes and serves %q; want %d and %q", s.writes, s.fingerprint, tt.wantWrites, fp)
			}
		})
	}
}

// TestCreateChannelIsNotResentAfterALostAnswer checks that a create whose
// answer was lost fails instead of being sent again or claiming a channel
// found afterwards, which someone else may have made.
func TestCreateChannelIsNotResentAfterALostAnswer(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	s := &lostAnswerChannel{}
	s.serve(f, packerBase+"/buckets/web/channels/stable")

	_, err := f.client(testLoc).CreateChannel(context.Background(), testLoc, "web", ChannelInput{Name: "stable", VersionFingerprint: "fp-2"})
	if err == nil {
		t.Fatal("CreateChannel succeeded after its answer was lost")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes != 1 {
		t.Errorf("server saw %d creates, want 1", s.writes)
	}
}

// TestRevokeAndRestoreReadBackALostAnswer checks the version writes: a
// revocation or restore applied before its answer was lost is read back and
// not sent twice.
func TestRevokeAndRestoreReadBackALostAnswer(t *testing.T) {
	t.Parallel()
	const path = packerBase + "/buckets/web/versions/fp"
	revoked := map[string]any{"id": "01HV", "fingerprint": "fp", "revoke_at": "2030-01-02T02:04:05.678Z",
		"revocation_type": "MANUAL", "revocation_message": "CVE"}
	valid := map[string]any{"id": "01HV", "fingerprint": "fp"}
	at := time.Date(2030, 1, 2, 2, 4, 5, 678000000, time.UTC)
	for _, tt := range []struct {
		name          string
		before, after map[string]any
		write         func(c *Client) (*Version, error)
	}{
		{"revoke", valid, revoked, func(c *Client) (*Version, error) {
			return c.RevokeVersion(context.Background(), testLoc, "web", "fp", Revocation{At: &at, Message: "CVE"})
		}},
		{"restore", revoked, valid, func(c *Client) (*Version, error) {
			return c.RestoreVersion(context.Background(), testLoc, "web", "fp")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeHCP(t)
			var mu sync.Mutex
			current, patches := tt.before, 0
			f.handle("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				writeJSON(w, http.StatusOK, map[string]any{"version": current})
			})
			f.handle("PATCH "+path, func(w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				patches++
				current = tt.after
				hangUp(w)
			})

			v, err := tt.write(f.client(testLoc))
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if (v.RevokeAt != nil) != (tt.after["revoke_at"] != nil) {
				t.Errorf("%s returned revoke_at %v, want the state after the write", tt.name, v.RevokeAt)
			}
			mu.Lock()
			defer mu.Unlock()
			if patches != 1 {
				t.Errorf("server saw %d writes, want 1", patches)
			}
		})
	}
}

func TestOutcomeUnknown(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"EOF after the request was sent", &url.Error{Op: "Patch", URL: "https://x", Err: io.EOF}, true},
		{"an idle connection a shutdown closed", &url.Error{Op: "Patch", URL: "https://x", Err: errors.New("http: server closed idle connection")}, true},
		{"a reset", &url.Error{Op: "Patch", URL: "https://x", Err: syscall.ECONNRESET}, true},
		{"a refused connection never reached the server", &url.Error{Op: "Patch", URL: "https://x",
			Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, false},
		{"a timeout", &url.Error{Op: "Patch", URL: "https://x", Err: &timeoutError{method: "PATCH", path: "/x", timeout: time.Second}}, false},
		{"a token that could not be fetched", &tokenError{err: io.EOF}, false},
		{"an answer", &Error{Op: "UpdateChannel", Code: codes.NotFound}, false},
	} {
		if got := outcomeUnknown(tt.err); got != tt.want {
			t.Errorf("%s: outcomeUnknown = %v, want %v", tt.name, got, tt.want)
		}
	}
}
