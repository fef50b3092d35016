package localhcp_test

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// dialTLS opens a raw connection to srv, closed when the test ends.
func dialTLS(t *testing.T, srv *localhcp.Server) *tls.Conn {
	t.Helper()
	conn, err := tls.Dial("tcp", srv.Addr(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// awaitAnswer reads one answer from conn, failing if none comes within
// the deadline. The caller closes its body.
func awaitAnswer(t *testing.T, conn net.Conn, r *bufio.Reader, within time.Duration) *http.Response {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(within)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("no answer within %s: %v", within, err)
	}
	return resp
}

func TestUnparsableRequestsGetTheJSONErrorShape(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	path := "/packer/2023-01-01/organizations/" + srv.OrganizationID() + "/projects/%zz/buckets"
	for name, request := range map[string]string{
		"invalid path escape": "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"no host header":      "GET /x HTTP/1.1\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			conn := dialTLS(t, srv)
			if _, err := io.WriteString(conn, request); err != nil {
				t.Fatal(err)
			}
			resp := awaitAnswer(t, conn, bufio.NewReader(conn), 10*time.Second)
			defer resp.Body.Close()
			var status struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Details []any  `json:"details"`
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q, want application/json", ct)
			}
			if err := json.NewDecoder(resp.Body).Decode(&status); err != nil {
				t.Fatalf("body is not a google.rpc.Status: %v", err)
			}
			if resp.StatusCode != http.StatusBadRequest || status.Code != 3 || status.Details == nil || !strings.Contains(status.Message, "could not read the request") {
				t.Fatalf("HTTP %d %+v, want HTTP 400 code 3 with a message", resp.StatusCode, status)
			}
		})
	}
}

// TestSlowAndIdleClientsAreCutOff: a client trickling its token request
// gets an answer once the read timeout passes, and an idle keep-alive
// connection is closed once the idle timeout passes.
func TestSlowAndIdleClientsAreCutOff(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	srv := startServer(t, localhcp.Options{Timeouts: localhcp.Timeouts{Read: timeout, Idle: timeout}})

	t.Run("trickled token request", func(t *testing.T) {
		t.Parallel()
		conn := dialTLS(t, srv)
		if _, err := io.WriteString(conn, "POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		defer close(stop)
		go func() { // one byte every 50 ms, far slower than the body needs
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := io.WriteString(conn, "x"); err != nil {
						return
					}
				}
			}
		}()
		start := time.Now()
		resp := awaitAnswer(t, conn, bufio.NewReader(conn), 10*time.Second)
		defer resp.Body.Close()
		var answer map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
			t.Fatalf("body is not JSON: %v", err)
		}
		if resp.StatusCode != http.StatusRequestTimeout || answer["error"] != "invalid_request" {
			t.Fatalf("HTTP %d %v after %s, want 408 invalid_request", resp.StatusCode, answer, time.Since(start))
		}
	})

	t.Run("idle keep-alive connection", func(t *testing.T) {
		t.Parallel()
		conn := dialTLS(t, srv)
		r := bufio.NewReader(conn)
		if _, err := fmt.Fprintf(conn, "GET /resource-manager/2019-12-10/organizations HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp := awaitAnswer(t, conn, r, 10*time.Second)
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.Close {
			t.Fatalf("first answer: %v, close %t; want a kept-alive connection", err, resp.Close)
		}
		if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
			t.Fatal(err)
		}
		_, err := r.ReadByte()
		var netErr net.Error
		if !errors.Is(err, io.EOF) || errors.As(err, &netErr) && netErr.Timeout() {
			t.Fatalf("idle connection: read gave %v, want the server to close it (EOF)", err)
		}
	})
}
