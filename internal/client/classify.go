package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/go-openapi/runtime"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"
	"google.golang.org/grpc/codes"
)

// sdkErrorAnswer is what every generated *<Service><Op>Default error of the
// Packer and resource-manager clients has in common: the HTTP status and the
// google.rpc.Status body.
type sdkErrorAnswer interface {
	error
	Code() int
	GetPayload() *cloud.GoogleRPCStatus
}

// classify turns an error of an SDK call into an *Error for op, keeping the
// server's message. The gRPC code comes from the answer's body when it has
// one, otherwise from the HTTP status.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var done *Error
	if errors.As(err, &done) {
		return err
	}

	var answer sdkErrorAnswer
	if errors.As(err, &answer) {
		e := &Error{Op: op, HTTPStatus: answer.Code()}
		if p := answer.GetPayload(); p != nil {
			e.Code = codes.Code(p.Code)
			e.Message = p.Message
		}
		if e.Code == codes.OK {
			e.Code = codeFromHTTPStatus(e.HTTPStatus)
		}
		if e.Message == "" {
			e.Message = statusText(e.HTTPStatus)
		}
		return e
	}

	var apiErr *runtime.APIError
	if errors.As(err, &apiErr) {
		// The SDK's answer to a status it has no model for, e.g. a 2xx
		// other than 200.
		return &Error{Op: op, HTTPStatus: apiErr.Code, Code: codeFromHTTPStatus(apiErr.Code),
			Message: "unexpected answer from HCP: " + statusText(apiErr.Code)}
	}

	var tokenErr *tokenError
	var timeout *timeoutError
	switch {
	case errors.As(err, &timeout):
		return &Error{Op: op, Code: codes.DeadlineExceeded, unreachable: true,
			Message: fmt.Sprintf("the HCP API%s did not answer %s %s within %s; raise request_timeout (or HCP_REQUEST_TIMEOUT) "+
				"if it is only slow, or check HCP_API_ADDRESS and the network", atHost(err), timeout.method, timeout.path, timeout.timeout)}
	case errors.Is(err, context.Canceled):
		return &Error{Op: op, Code: codes.Canceled, Message: "the request was cancelled: " + err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Op: op, Code: codes.DeadlineExceeded, Message: "the request timed out: " + err.Error()}
	case errors.As(err, &tokenErr):
		return &Error{Op: op, Code: codes.Unauthenticated, Message: tokenErr.Error()}
	case isNetworkError(err):
		return &Error{Op: op, Code: codes.Unavailable, unreachable: true,
			Message: fmt.Sprintf("could not reach the HCP API%s: %s; check HCP_API_ADDRESS (host:port), HCP_API_TLS and the network",
				atHost(err), err)}
	default:
		return &Error{Op: op, Code: codes.Unknown, Message: err.Error()}
	}
}

// atHost names the host a failed request went to, " at host:port", or
// nothing when err does not say.
func atHost(err error) string {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		return ""
	}
	u, perr := url.Parse(urlErr.URL)
	if perr != nil || u.Host == "" {
		return ""
	}
	return " at " + u.Host
}

// isNetworkError reports whether err comes from the connection rather than
// from an answer.
func isNetworkError(err error) bool {
	var urlErr *url.Error
	var netErr net.Error
	return errors.As(err, &urlErr) || errors.As(err, &netErr) || connectionBroken(err)
}

// codeFromHTTPStatus inverts grpc-gateway's code → status mapping, for
// answers without a gRPC code in their body.
func codeFromHTTPStatus(status int) codes.Code {
	switch status {
	case http.StatusBadRequest:
		return codes.InvalidArgument
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusNotFound:
		return codes.NotFound
	case http.StatusConflict:
		return codes.AlreadyExists
	case http.StatusTooManyRequests:
		return codes.ResourceExhausted
	case 499:
		return codes.Canceled
	case http.StatusNotImplemented:
		return codes.Unimplemented
	case http.StatusServiceUnavailable, http.StatusBadGateway:
		return codes.Unavailable
	case http.StatusGatewayTimeout:
		return codes.DeadlineExceeded
	case http.StatusInternalServerError:
		return codes.Internal
	default:
		return codes.Unknown
	}
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return fmt.Sprintf("HTTP status %d", status)
}
