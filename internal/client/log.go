package client

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// httpSubsystem is the tflog subsystem of HCP API traffic. Its level can be
// set apart from the provider's with TF_LOG_PROVIDER_HCPPACKER_HCP_HTTP.
const (
	httpSubsystem      = "hcp_http"
	httpSubsystemLevel = "TF_LOG_PROVIDER_HCPPACKER_HCP_HTTP"
)

// maxLoggedBody bounds how much of an error answer is logged.
const maxLoggedBody = 1024

// httpLogContext returns ctx with the HTTP subsystem logger, masking the
// given secrets (client secret, access token) in every message and field of
// that logger and of the root logger. Masks live in the context, so they are
// set here on every request rather than once at configure time.
func httpLogContext(ctx context.Context, secrets ...string) context.Context {
	masks := maskable(secrets)
	ctx = tflog.NewSubsystem(ctx, httpSubsystem, tflog.WithLevelFromEnv(httpSubsystemLevel))
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, httpSubsystem, "Authorization", "authorization")
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "Authorization", "authorization")
	if len(masks) > 0 {
		ctx = tflog.SubsystemMaskLogStrings(ctx, httpSubsystem, masks...)
		ctx = tflog.MaskLogStrings(ctx, masks...)
	}
	return ctx
}

func logRequest(ctx context.Context, req *http.Request, attempt int) {
	tflog.SubsystemTrace(ctx, httpSubsystem, "Sending HCP API request", map[string]any{
		"http_method": req.Method,
		"http_path":   requestPath(req),
		"attempt":     attempt,
	})
}

func logResponse(ctx context.Context, req *http.Request, attempt int, elapsed time.Duration, resp *http.Response, errorBody string, err error) {
	fields := map[string]any{
		"http_method": req.Method,
		"http_path":   requestPath(req),
		"attempt":     attempt,
		"duration_ms": elapsed.Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, httpSubsystem, "HCP API request failed", fields)
		return
	}
	fields["http_status"] = resp.StatusCode
	if errorBody != "" {
		fields["http_error_body"] = errorBody
	}
	tflog.SubsystemDebug(ctx, httpSubsystem, "Received HCP API response", fields)
}

func logRetry(ctx context.Context, req *http.Request, attempt int, d retryDecision) {
	tflog.SubsystemWarn(ctx, httpSubsystem, "Retrying HCP API request", map[string]any{
		"http_method": req.Method,
		"http_path":   requestPath(req),
		"attempt":     attempt,
		"reason":      d.reason,
		"wait_ms":     d.wait.Milliseconds(),
	})
}

func requestPath(req *http.Request) string {
	if req.URL.RawQuery == "" {
		return req.URL.Path
	}
	return req.URL.Path + "?" + req.URL.RawQuery
}
