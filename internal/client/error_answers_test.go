package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

// TestForeignErrorAnswersAreClassified checks that error pages from
// proxies, which are not JSON, still classify by their HTTP status.
func TestForeignErrorAnswersAreClassified(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string
		status      int
		body        string
		wantCode    codes.Code
		wantMessage string
	}{
		{"HTML 404 from a proxy", "text/html; charset=utf-8", 404,
			"<html><head><title>404</title></head><body><h1>Not   Found</h1>\n<p>no such route</p></body></html>",
			codes.NotFound, "Not Found: 404 Not Found no such route"},
		{"plain-text 503 after the retries", "text/plain", 503, "upstream connect error", codes.Unavailable,
			"Service Unavailable: upstream connect error"},
		{"empty 403", "text/plain", 403, "", codes.PermissionDenied, "Forbidden"},
		{"a long page is cut", "text/html", 502, strings.Repeat("x", 1000), codes.Unavailable,
			"Bad Gateway: " + strings.Repeat("x", maxForeignErrorText) + "…"},
		{"JSON with a charset is left alone", "application/json; charset=utf-8", 404,
			`{"code":5,"message":"bucket web not found","details":[]}`, codes.NotFound, "bucket web not found"},
		{"problem+json counts as JSON", "application/problem+json", 409,
			`{"code":6,"message":"exists"}`, codes.AlreadyExists, "exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeHCP(t)
			f.handle("GET "+packerBase+"/buckets/web", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := f.client(testLoc).GetBucket(context.Background(), testLoc, "web")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("GetBucket error %v is not an *Error", err)
			}
			if e.Code != tt.wantCode || e.HTTPStatus != tt.status || e.Message != tt.wantMessage {
				t.Errorf("got {Code:%s HTTP:%d Message:%q}, want {Code:%s HTTP:%d Message:%q}",
					e.Code, e.HTTPStatus, e.Message, tt.wantCode, tt.status, tt.wantMessage)
			}
		})
	}
}
