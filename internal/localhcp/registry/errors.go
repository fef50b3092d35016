package registry

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
)

// ErrNotFound is what a Tx returns when the object it was asked for does
// not exist. The service turns it into an *Error that names the object.
var ErrNotFound = errors.New("not found")

// Error is a registry refusal with the gRPC code the API answers with.
type Error struct {
	Code    codes.Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code codes.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the gRPC code of err: its own for an *Error, Internal for
// anything else, OK for nil.
func CodeOf(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return codes.Internal
}

func invalid(format string, args ...any) *Error {
	return Errorf(codes.InvalidArgument, format, args...)
}

func precondition(format string, args ...any) *Error {
	return Errorf(codes.FailedPrecondition, format, args...)
}

func notFound(format string, args ...any) *Error {
	return Errorf(codes.NotFound, format, args...)
}

func exists(format string, args ...any) *Error {
	return Errorf(codes.AlreadyExists, format, args...)
}
