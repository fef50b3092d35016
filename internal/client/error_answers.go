package client

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxForeignErrorBody bounds how much of a non-JSON error answer is read.
const maxForeignErrorBody = 64 << 10

// maxForeignErrorText bounds how much of its text reaches the message.
const maxForeignErrorText = 200

// rewriteForeignErrorAnswer turns an error answer that is not JSON, such as
// the HTML page of a proxy or load balancer, into the google.rpc.Status
// body HCP itself sends, with the gRPC code its HTTP status implies. The
// SDK can only decode JSON error bodies: without this a proxy's 404 or 503
// would surface as an opaque "not supported by the TextConsumer" error
// instead of a NotFound or Unavailable the provider can act on.
func rewriteForeignErrorAnswer(resp *http.Response) {
	if resp.StatusCode < 400 {
		return
	}
	switch jsonKind(resp.Header.Get("Content-Type")) {
	case plainJSON:
		return
	case suffixedJSON:
		// JSON under another name (application/problem+json): go-openapi
		// has no consumer registered for it, but its own JSON one reads it.
		resp.Header = resp.Header.Clone()
		resp.Header.Set("Content-Type", "application/json")
		return
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxForeignErrorBody))
	_ = resp.Body.Close()

	message := http.StatusText(resp.StatusCode)
	if message == "" {
		message = "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	if text := summarizeText(raw); text != "" {
		message += ": " + text
	}
	body, _ := json.Marshal(map[string]any{
		"code":    int(codeFromHTTPStatus(resp.StatusCode)),
		"message": message,
		"details": []any{},
	})
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header = resp.Header.Clone()
	resp.Header.Set("Content-Type", "application/json")
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
}

type contentKind int

const (
	notJSON contentKind = iota
	plainJSON
	suffixedJSON
)

// jsonKind tells whether a Content-Type is JSON. An absent one counts as
// JSON because go-openapi then applies its JSON default.
func jsonKind(contentType string) contentKind {
	if contentType == "" {
		return plainJSON
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
		return notJSON
	case mediaType == "application/json":
		return plainJSON
	case strings.HasSuffix(mediaType, "+json"):
		return suffixedJSON
	default:
		return notJSON
	}
}

// summarizeText reduces a foreign body to one short line: tags dropped,
// whitespace collapsed, cut at a rune boundary.
func summarizeText(raw []byte) string {
	if !utf8.Valid(raw) {
		return ""
	}
	var b strings.Builder
	inTag := false
	for _, r := range string(raw) {
		switch {
		case r == '<':
			inTag = true
			b.WriteRune(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	text := strings.Join(strings.Fields(b.String()), " ")
	if utf8.RuneCountInString(text) > maxForeignErrorText {
		text = string([]rune(text)[:maxForeignErrorText]) + "…"
	}
	return text
}
