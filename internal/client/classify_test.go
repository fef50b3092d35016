package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/go-openapi/runtime"
	packerservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	organizationservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	projectservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"
	"google.golang.org/grpc/codes"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	status := func(code int32, msg string) *cloud.GoogleRPCStatus {
		return &cloud.GoogleRPCStatus{Code: code, Message: msg}
	}
	getBucket := func(http int, p *cloud.GoogleRPCStatus) error {
		e := packerservice.NewPackerServiceGetBucketDefault(http)
		e.Payload = p
		return e
	}
	createChannel := func(http int, p *cloud.GoogleRPCStatus) error {
		e := packerservice.NewPackerServiceCreateChannelDefault(http)
		e.Payload = p
		return e
	}
	projectGet := func(http int, p *cloud.GoogleRPCStatus) error {
		e := projectservice.NewProjectServiceGetDefault(http)
		e.Payload = p
		return e
	}
	orgList := func(http int, p *cloud.GoogleRPCStatus) error {
		e := organizationservice.NewOrganizationServiceListDefault(http)
		e.Payload = p
		return e
	}

	tests := []struct {
		name       string
		err        error
		wantCode   codes.Code
		wantHTTP   int
		wantInText string
	}{
		{"body code wins", getBucket(404, status(5, "bucket not found")), codes.NotFound, 404, "bucket not found"},
		{"already exists", createChannel(409, status(6, "channel exists")), codes.AlreadyExists, 409, "channel exists"},
		{"failed precondition behind a 400", createChannel(400, status(9, "version is incomplete")), codes.FailedPrecondition, 400, "incomplete"},
		{"permission denied from resource manager", projectGet(403, status(7, "forbidden")), codes.PermissionDenied, 403, "forbidden"},
		{"unauthenticated", orgList(401, status(16, "bad token")), codes.Unauthenticated, 401, "bad token"},
		{"no code in the body: HTTP status", getBucket(404, status(0, "")), codes.NotFound, 404, "Not Found"},
		{"no body at all", getBucket(503, nil), codes.Unavailable, 503, "Service Unavailable"},
		{"409 without code", createChannel(409, nil), codes.AlreadyExists, 409, "Conflict"},
		{"unmodelled status", runtime.NewAPIError("unexpected success response", nil, 201), codes.Unknown, 201, "Created"},
		{"wrapped SDK error", fmt.Errorf("outer: %w", getBucket(403, status(7, "nope"))), codes.PermissionDenied, 403, "nope"},
		{"cancelled", &url.Error{Op: "Get", URL: "https://x", Err: context.Canceled}, codes.Canceled, 0, "cancelled"},
		{"deadline", &url.Error{Op: "Get", URL: "https://x", Err: context.DeadlineExceeded}, codes.DeadlineExceeded, 0, "timed out"},
		{"connection refused", &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, codes.Unavailable, 0, "could not reach the HCP API"},
		{"connection closed", io.ErrUnexpectedEOF, codes.Unavailable, 0, "could not reach the HCP API"},
		{"token", &tokenError{err: errors.New("expired")}, codes.Unauthenticated, 0, "access token"},
		{"anything else", errors.New("json: cannot unmarshal"), codes.Unknown, 0, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := classify("Op", tt.err)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("classify returned %T, want *Error", err)
			}
			if e.Op != "Op" || e.Code != tt.wantCode || e.HTTPStatus != tt.wantHTTP {
				t.Errorf("got {Op:%s Code:%s HTTP:%d}, want {Op:Op Code:%s HTTP:%d}", e.Op, e.Code, e.HTTPStatus, tt.wantCode, tt.wantHTTP)
			}
			if !strings.Contains(e.Message, tt.wantInText) {
				t.Errorf("message %q does not contain %q", e.Message, tt.wantInText)
			}
		})
	}
}

func TestClassifyKeepsNilAndClassifiedErrors(t *testing.T) {
	t.Parallel()
	if err := classify("Op", nil); err != nil {
		t.Errorf("classify(nil) = %v", err)
	}
	orig := &Error{Op: "First", Code: codes.NotFound}
	if err := classify("Second", orig); !errors.Is(err, orig) {
		t.Errorf("classify re-wrapped an *Error: %v", err)
	}
}

// Only a request that got no answer is unreachable: an answer, even a 503,
// came from the API.
func TestIsUnreachable(t *testing.T) {
	t.Parallel()
	refused := &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	answered := packerservice.NewPackerServiceGetBucketDefault(503)
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", classify("GetBucket", refused), true},
		{"answered 503", classify("GetBucket", answered), false},
		{"not an API error", errors.New("boom"), false},
		{"nil", nil, false},
	} {
		if got := IsUnreachable(tt.err); got != tt.want {
			t.Errorf("%s: IsUnreachable = %v, want %v", tt.name, got, tt.want)
		}
	}
}
