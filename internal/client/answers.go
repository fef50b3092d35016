package client

import (
	"strconv"

	"google.golang.org/grpc/codes"
)

// emptyAnswer is the error for a successful answer that lacks the object
// it should carry.
func emptyAnswer(op, object string) error {
	return &Error{Op: op, HTTPStatus: 200, Code: codes.Internal,
		Message: "HCP answered without the " + object + "; retry, and report it if it persists"}
}

func quote(s string) string { return strconv.Quote(s) }
