package localhcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// jsonErrorListener hands out connections that answer in JSON even where
// net/http answers by itself, before any handler runs.
type jsonErrorListener struct{ net.Listener }

func (l jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return jsonErrorConn{c}, nil
}

// jsonErrorConn rewrites the plain-text answers net/http writes for a
// request it cannot parse (a path with an invalid %-escape, a malformed
// request line or header, headers too large) into the google.rpc.Status
// JSON every other answer has, so a client decodes one error shape.
// net/http offers no hook for these answers; it writes each in one call,
// with headers no handler of localhcp sends, so they are recognised
// exactly.
type jsonErrorConn struct{ net.Conn }

// plainErrorHeaders are the headers net/http's own error answers carry
// after their status line.
const plainErrorHeaders = "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c jsonErrorConn) Write(p []byte) (int, error) {
	status, text, ok := parsePlainError(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(jsonError(status, text)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// CloseWrite lets net/http half-close the connection after an error
// answer, as it does with the TLS connection underneath, so the client
// reads the answer instead of a reset.
func (c jsonErrorConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// parsePlainError recognises one of net/http's own error answers,
// "HTTP/1.1 <status> <reason>\r\n" + plainErrorHeaders + text.
func parsePlainError(p []byte) (status int, text string, ok bool) {
	rest, found := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !found {
		return 0, "", false
	}
	line, rest, found := bytes.Cut(rest, []byte("\r\n"))
	if !found || len(line) < 3 {
		return 0, "", false
	}
	body, found := bytes.CutPrefix(rest, []byte(plainErrorHeaders))
	if !found {
		return 0, "", false
	}
	status, err := strconv.Atoi(string(line[:3]))
	if err != nil || status < 400 {
		return 0, "", false
	}
	return status, string(body), true
}

// jsonError is the answer that replaces a plain-text one: same status,
// the connection still closed, a google.rpc.Status body.
func jsonError(status int, text string) []byte {
	code, hint := codes.InvalidArgument, ": check that the path's %-escapes are valid and the request line and headers are well-formed"
	switch {
	case status == http.StatusRequestHeaderFieldsTooLarge:
		hint = ": send smaller headers"
	case status == http.StatusNotImplemented || status == http.StatusHTTPVersionNotSupported:
		code, hint = codes.Unimplemented, ""
	case status >= 500:
		code, hint = codes.Internal, ""
	}
	body, _ := json.Marshal(wire.Status{Code: int(code), Message: "localhcp could not read the request (" + text + ")" + hint, Details: []any{}})
	return fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(body), body)
}
