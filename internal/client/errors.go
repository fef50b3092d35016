package client

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
)

// Error is an error answered by the HCP API, classified by the gRPC code in
// its body (falling back to the HTTP status when the body has none).
type Error struct {
	Op         string     // the API operation, e.g. "GetChannel"
	HTTPStatus int        // the HTTP status of the answer
	Code       codes.Code // the gRPC code of the answer
	Message    string     // the API's own message

	// unreachable marks a request that got no answer at all: the API's
	// address or the network is at fault, not the object asked for.
	unreachable bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s (%s, HTTP %d)", e.Op, e.Message, e.Code, e.HTTPStatus)
}

// CodeOf returns the gRPC code of an API error, codes.Unknown for any other
// non-nil error and codes.OK for nil.
func CodeOf(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return codes.Unknown
}

// IsNotFound reports whether err says the object does not exist.
func IsNotFound(err error) bool { return CodeOf(err) == codes.NotFound }

// IsAlreadyExists reports whether err says the object exists already.
func IsAlreadyExists(err error) bool { return CodeOf(err) == codes.AlreadyExists }

// IsPermissionDenied reports whether err says the caller may not do this.
func IsPermissionDenied(err error) bool { return CodeOf(err) == codes.PermissionDenied }

// IsFailedPrecondition reports whether the registry refused the change in its
// current state (an incomplete or revoked version, the managed channel, …).
func IsFailedPrecondition(err error) bool { return CodeOf(err) == codes.FailedPrecondition }

// IsUnreachable reports whether err is a request that got no answer at all:
// the API's address or the network is at fault, and the message says which
// settings to check.
func IsUnreachable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.unreachable
}

// MessageOf returns the API's message for an API error and err.Error() for
// any other error.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
