package httpapi

import (
	"encoding/json"
	"net/http"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// HTTPStatus maps a gRPC code to the HTTP status grpc-gateway v2 answers
// with (runtime.HTTPStatusFromCode).
func HTTPStatus(c codes.Code) int {
	switch c {
	case codes.OK:
		return http.StatusOK
	case codes.Canceled:
		return 499
	case codes.Unknown:
		return http.StatusInternalServerError
	case codes.InvalidArgument:
		return http.StatusBadRequest
	case codes.DeadlineExceeded:
		return http.StatusGatewayTimeout
	case codes.NotFound:
		return http.StatusNotFound
	case codes.AlreadyExists:
		return http.StatusConflict
	case codes.PermissionDenied:
		return http.StatusForbidden
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.FailedPrecondition:
		return http.StatusBadRequest
	case codes.Aborted:
		return http.StatusConflict
	case codes.OutOfRange:
		return http.StatusBadRequest
	case codes.Unimplemented:
		return http.StatusNotImplemented
	case codes.Internal:
		return http.StatusInternalServerError
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	case codes.DataLoss:
		return http.StatusInternalServerError
	default:
		return http.StatusInternalServerError
	}
}

// writeJSON answers 200 with v as JSON.
func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeStatus(w, codes.Internal, "localhcp could not encode its answer: "+err.Error())
		return
	}
	writeBody(w, body)
}

// writeBody answers HTTP 200 with an encoded JSON body.
func writeBody(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeStatus answers with a google.rpc.Status body, JSON like every other
// answer so clients pick their JSON consumer for errors too.
func writeStatus(w http.ResponseWriter, code codes.Code, message string) {
	writeStatusAs(w, HTTPStatus(code), code, message)
}

// writeStatusAs answers with a google.rpc.Status body and an HTTP status
// other than code's own, where a route's contract says so.
func writeStatusAs(w http.ResponseWriter, status int, code codes.Code, message string) {
	body, _ := json.Marshal(wire.Status{Code: int(code), Message: message, Details: []any{}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with err's registry code, or Internal for an unexpected
// failure (whose text names no secret: only the store produces those).
func writeError(w http.ResponseWriter, err error) codes.Code {
	code := registry.CodeOf(err)
	msg := err.Error()
	if code == codes.Internal {
		msg = "localhcp failed internally: " + msg
	}
	writeStatus(w, code, msg)
	return code
}

func invalidArgument(format string, args ...any) error {
	return registry.Errorf(codes.InvalidArgument, format, args...)
}
