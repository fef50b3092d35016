package client

import (
	"context"
	"errors"
	"net/http"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// confirmWrite sends a write whose effect can be read back, and makes up for
// the one case the transport cannot retry: an answer lost after the request
// went out (a connection the server closed while restarting, a gateway's 502
// or 504), when the server may or may not have applied it.
//
// Then it reads the object back. An object that already shows the write
// means the write was applied and is done; an object that does not show it
// means the write never took effect, so sending it once more cannot apply it
// twice. A read that fails leaves the write's original error to the caller.
//
// Creates are not confirmed this way: an object found after a lost answer to
// a create may as well be one someone else made in the meantime, which the
// provider must not claim. A lost create fails the operation with the
// connection's error.
func confirmWrite[T any](ctx context.Context, op string, write func() (T, error), readBack func() (T, bool, error)) (T, error) {
	got, err := write()
	if err == nil || !outcomeUnknown(err) {
		return got, err
	}
	fields := map[string]any{"operation": op, "error": err.Error()}
	current, applied, readErr := readBack()
	switch {
	case readErr != nil:
		fields["read_error"] = readErr.Error()
		tflog.Warn(ctx, "Could not read back an HCP write whose answer was lost", fields)
		return got, err
	case applied:
		tflog.Debug(ctx, "An HCP write whose answer was lost had been applied", fields)
		return current, nil
	default:
		tflog.Warn(ctx, "Sending again an HCP write whose answer was lost and which had not been applied", fields)
		return write()
	}
}

// outcomeUnknown reports whether err says a request reached the server but
// its answer was lost, so the server may have acted on it.
func outcomeUnknown(err error) bool {
	var tokenErr *tokenError
	if errors.As(err, &tokenErr) {
		return false
	}
	var answer sdkErrorAnswer
	if errors.As(err, &answer) {
		return answer.Code() == http.StatusBadGateway || answer.Code() == http.StatusGatewayTimeout
	}
	return connectionBroken(err)
}
