package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
)

const (
	wipA = "iam/project/aaaaaaaa-0000-4000-8000-000000000001/service-principal/ci/workload-identity-provider/github"
	wipB = "iam/project/aaaaaaaa-0000-4000-8000-000000000001/service-principal/ci/workload-identity-provider/gitlab"
)

// writeWorkloadCredentialFile writes a credential file of scheme workload
// for wip whose file source is source ({"path": …} and its format).
func writeWorkloadCredentialFile(t *testing.T, wip string, source map[string]any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cred_file.json")
	data, err := json.Marshal(map[string]any{
		"scheme":   "workload",
		"workload": map[string]any{"provider_resource_name": wip, "file": source},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// signJWT signs claims with a fresh ECDSA key, as a CI system's OIDC
// issuer would.
func signJWT(t *testing.T, claims jwt.Claims) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	token, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// recordedExchange stands in for the SDK's workload provider: it counts
// the exchanges and gives back err, or a token; failFirst, when set, is
// the errors of the first exchanges, one each.
type recordedExchange struct {
	calls     int
	err       error
	failFirst []error
}

func (r *recordedExchange) Token() (*oauth2.Token, error) {
	r.calls++
	if r.calls <= len(r.failFirst) {
		return nil, r.failFirst[r.calls-1]
	}
	if r.err != nil {
		return nil, r.err
	}
	return &oauth2.Token{AccessToken: "exchanged", Expiry: time.Now().Add(time.Hour)}, nil
}

// workloadTokensFor returns workloadTokens for creds with a fixed clock and
// a recorded exchange.
func workloadTokensFor(t *testing.T, creds credentials, now time.Time, exchangeErr error) (*workloadTokens, *recordedExchange) {
	t.Helper()
	if creds.workload == nil {
		t.Fatal("not workload identity credentials")
	}
	ex := &recordedExchange{err: exchangeErr}
	policy := defaultRetryPolicy()
	policy.jitter = func(time.Duration) time.Duration { return 0 }
	return &workloadTokens{creds: creds.workload, exchange: ex, now: func() time.Time { return now },
		exchangeURL: exchangeURL("api.example:443", creds.workload.config.ProviderResourceName),
		retry:       policy, sleep: func(time.Duration) {}}, ex
}

func TestWorkloadTokensCheckTheTokenBeforeTheExchange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fresh := signJWT(t, jwt.Claims{Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:o/r:ref:refs/heads/main",
		Audience: jwt.Audience{"hcp"}, Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute))})
	expired := signJWT(t, jwt.Claims{Issuer: "https://ci.example", Expiry: jwt.NewNumericDate(now.Add(-90 * time.Second))})
	noExpiry := signJWT(t, jwt.Claims{Issuer: "https://ci.example"})
	ghResponse := `{"count":1,"value":"` + fresh + `"}`

	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	fromFile := func(path string) credentials {
		c, err := blockCredentials(WorkloadIdentity{ResourceName: wipA, TokenFile: path})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	inline := func(token string) credentials {
		c, err := blockCredentials(WorkloadIdentity{ResourceName: wipA, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	missing := filepath.Join(dir, "missing")
	jsonCredFile, err := readCredentialFile(writeWorkloadCredentialFile(t, wipB,
		map[string]any{"path": file("gh.json", ghResponse), "format_type": "json", "subject_cred_pointer": "/value"}), "HCP_CRED_FILE")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		creds credentials
		// wantErr is the error's message; "" lets the exchange run.
		wantErr []string
	}{
		{name: "fresh JWT in a file", creds: fromFile(file("fresh", fresh+"\n"))},
		{name: "inline fresh JWT", creds: inline(fresh)},
		{name: "JWT without exp", creds: inline(noExpiry)},
		{name: "opaque access token is left to the exchange", creds: inline("gho_16C7e42F292c6912E7710c838347Ae178B4a")},
		{name: "JWT-shaped but undecodable is left to the exchange", creds: inline("aaaa.bbbb.cccc")},
		{name: "JSON file read with a pointer is the SDK's", creds: jsonCredFile},
		{name: "missing token_file", creds: fromFile(missing),
			wantErr: []string{`token_file "` + missing + `" does not exist`, "before terraform runs"}},
		{name: "empty token_file", creds: fromFile(file("empty", " \n")),
			wantErr: []string{`token_file "` + filepath.Join(dir, "empty") + `" is empty`}},
		{name: "a JSON response instead of the token", creds: fromFile(file("json", ghResponse)),
			wantErr: []string{"is neither a JWT nor an access token", "looks like JSON", `"value" field`}},
		{name: "text with spaces", creds: inline("not a token at all"),
			wantErr: []string{"workload_identity.token is neither a JWT nor an access token"}},
		{name: "expired JWT in a file", creds: fromFile(file("expired", expired)),
			wantErr: []string{`the workload identity token in token_file "` + filepath.Join(dir, "expired") + `" expired at 2026-03-01T11:58:30Z (1m30s ago): ` +
				"fetch a fresh one in the same CI job, right before terraform runs"}},
		{name: "expired inline JWT", creds: inline(expired),
			wantErr: []string{"the workload identity token in workload_identity.token expired at 2026-03-01T11:58:30Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, ex := workloadTokensFor(t, tt.creds, now, nil)
			token, err := w.Token()
			if len(tt.wantErr) == 0 {
				if err != nil || token.AccessToken != "exchanged" || ex.calls != 1 {
					t.Fatalf("Token() = %v, %v after %d exchanges, want the exchanged token", token, err, ex.calls)
				}
				return
			}
			if err == nil || ex.calls != 0 {
				t.Fatalf("Token() = %v after %d exchanges, want an error before any exchange", err, ex.calls)
			}
			if CodeOf(err) != codes.InvalidArgument {
				t.Errorf("code %s, want InvalidArgument", CodeOf(err))
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(MessageOf(err), want) {
					t.Errorf("error %q does not contain %q", MessageOf(err), want)
				}
			}
			if strings.Contains(MessageOf(err), fresh[:40]) || strings.Contains(MessageOf(err), expired[:40]) {
				t.Errorf("error %q quotes the token", MessageOf(err))
			}
		})
	}
}

func TestWorkloadTokensExplainARefusedExchange(t *testing.T) {
	t.Parallel()
	now := time.Now()
	token := signJWT(t, jwt.Claims{Issuer: "https://ci.example", Subject: "repo:o/r", Audience: jwt.Audience{"wrong-aud"},
		Expiry: jwt.NewNumericDate(now.Add(time.Hour))})
	const opaque = "gho_16C7e42F292c6912E7710c838347Ae178B4a"
	claims := `(its claims: iss "https://ci.example", aud ["wrong-aud"], sub "repo:o/r")`
	status := func(code int, grpc int, msg string) error {
		body, _ := json.Marshal(map[string]any{"code": grpc, "message": msg, "details": []any{}})
		return errors.New("exchange token status code " + strconv.Itoa(code) + ": " + string(body))
	}
	tests := []struct {
		name     string
		subject  string
		err      error
		wantCode codes.Code
		want     []string
		dontWant []string
	}{
		{name: "unknown provider", subject: token, err: status(404, 5, "workload identity provider not found"), wantCode: codes.NotFound,
			want: []string{`HCP has no workload identity provider "` + wipA + `"`, "workload identity provider not found", "check resource_name in the workload_identity block"}},
		{name: "expired at the server", subject: token, err: status(401, 16, "token expired at 2026-03-01T11:00:00Z"), wantCode: codes.Unauthenticated,
			want: []string{"HCP refused the workload identity token in workload_identity.token", "HTTP 401: token expired at 2026-03-01T11:00:00Z", claims}},
		{name: "audience not allowed", subject: token, err: status(401, 16, `audience "wrong-aud" is not allowed`), wantCode: codes.Unauthenticated,
			want: []string{`audience "wrong-aud" is not allowed`, claims}},
		{name: "conditional access", subject: token, err: status(403, 7, "conditional access expression evaluated to false"), wantCode: codes.PermissionDenied,
			want: []string{"conditional access of workload identity provider", "evaluated to false", claims, "conditional_access"}},
		{name: "issuer without keys", subject: token, err: status(412, 9, `no trusted keys for issuer "https://ci.example"`), wantCode: codes.FailedPrecondition,
			want: []string{"no keys to verify", `no trusted keys for issuer`, claims}},
		{name: "not implemented", subject: token, err: status(501, 12, "AWS identities are not supported"), wantCode: codes.Unimplemented,
			want: []string{"HTTP 501: AWS identities are not supported"}},
		{name: "opaque token refused: no claims to show", subject: opaque, err: status(401, 16, "not a JWT"), wantCode: codes.Unauthenticated,
			want: []string{"HTTP 401: not a JWT"}, dontWant: []string{"its claims"}},
		{name: "malformed token", subject: opaque, err: status(400, 3, "jwt_token is not a JWT"), wantCode: codes.InvalidArgument,
			want: []string{"HCP could not use the workload identity token in workload_identity.token", "HTTP 400: jwt_token is not a JWT",
				"OIDC token (JWT) or an access token"}, dontWant: []string{"HCP_API_ADDRESS"}},
		{name: "a server error", subject: token, err: status(503, 14, "try again later"), wantCode: codes.Unavailable,
			want: []string{"https://api.example:443/2019-12-10/" + wipA + "/exchange-token answered HTTP 503 (try again later)", "HCP_API_ADDRESS"}},
		{name: "an answer that is no google.rpc.Status", subject: token, err: errors.New("exchange token status code 502: <html>" + strings.Repeat("x", 500)),
			wantCode: codes.Unavailable, want: []string{"answered HTTP 502 (<html>xxx", "…)"}},
		{name: "a server that echoes the token", subject: opaque, err: status(401, 16, "bad token "+opaque), wantCode: codes.Unauthenticated,
			want: []string{"bad token ***"}, dontWant: []string{opaque}},
		{name: "no answer", subject: token, err: errors.New(`invalid response from exchange token endpoint: Post "https://api.example:443/x": dial tcp: connection refused`),
			wantCode: codes.Unavailable, want: []string{"could not reach the workload identity token exchange at https://api.example:443/2019-12-10/" + wipA + "/exchange-token",
				"connection refused", "HCP_API_ADDRESS, HCP_API_TLS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			creds, err := blockCredentials(WorkloadIdentity{ResourceName: wipA, Token: tt.subject})
			if err != nil {
				t.Fatal(err)
			}
			w, _ := workloadTokensFor(t, creds, now, tt.err)
			_, err = w.Token()
			if CodeOf(err) != tt.wantCode {
				t.Errorf("code %s, want %s (%v)", CodeOf(err), tt.wantCode, err)
			}
			msg := MessageOf(err)
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
			for _, dont := range append(tt.dontWant, token[:40]) {
				if strings.Contains(msg, dont) {
					t.Errorf("error %q contains %q", msg, dont)
				}
			}
		})
	}
}

// TestNewExchangesWorkloadTokensThroughTheSDK checks that both workload
// identity sources, the block and a credential file of scheme workload,
// reach hcp-sdk-go's exchange at the API address through workloadTokens
// and leave the SDK's token cache alone. The API address is a plain HTTP
// server, so the exchange (always HTTPS) gets no answer.
func TestNewExchangesWorkloadTokensThroughTheSDK(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	addr := strings.TrimPrefix(plain.URL, "http://")
	home := t.TempDir()
	for _, name := range []string{"HCP_CLIENT_ID", "HCP_CLIENT_SECRET", "HCP_CRED_FILE", "HCP_AUTH_URL", "HCP_AUTH_TLS", "HCP_GEOGRAPHY"} {
		unsetEnv(t, name)
	}
	t.Setenv("HOME", home)
	t.Setenv("HCP_API_ADDRESS", addr)
	t.Setenv("HCP_API_TLS", "insecure")
	// Client credentials in the environment do not override the block.
	t.Setenv("HCP_CLIENT_ID", "env-id")
	t.Setenv("HCP_CLIENT_SECRET", "env-secret-0123456789")

	tokenFile := filepath.Join(t.TempDir(), "token")
	token := signJWT(t, jwt.Claims{Issuer: "https://ci.example", Expiry: jwt.NewNumericDate(time.Now().Add(time.Hour))})
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]Config{
		"block":           {WorkloadIdentity: &WorkloadIdentity{ResourceName: wipA, TokenFile: tokenFile}},
		"credential file": {CredentialFile: writeWorkloadCredentialFile(t, wipA, map[string]any{"path": tokenFile})},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := New(context.Background(), cfg)
			want := "could not reach the workload identity token exchange at https://" + addr + "/2019-12-10/" + wipA + "/exchange-token"
			if !strings.Contains(MessageOf(err), want) {
				t.Fatalf("New = %v, want an error containing %q", err, want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "hcp", "creds-cache.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the SDK's token cache was touched: %v", err)
	}
}

// TestWorkloadTokensRetryABusyExchange checks that an exchange refused the
// way a busy or restarting server refuses is sent again, within the API
// requests' bound on attempts, and that every other failure is final at
// once: a refusal of the token, and an attempt that timed out.
func TestWorkloadTokensRetryABusyExchange(t *testing.T) {
	t.Parallel()
	token := signJWT(t, jwt.Claims{Issuer: "https://ci.example", Expiry: jwt.NewNumericDate(time.Now().Add(time.Hour))})
	creds, err := blockCredentials(WorkloadIdentity{ResourceName: wipA, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	busy := errors.New(`exchange token status code 503: {"code":14,"message":"try again"}`)
	refused := errors.New(`exchange token status code 401: {"code":16,"message":"token expired at 2026-12-01T00:00:00Z"}`)
	reset := errors.New(sdkUnreachable + `Post "https://api.example/x": read tcp: connection reset by peer`)
	timedOut := errors.New(sdkUnreachable + `Post "https://api.example/x": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)
	tests := []struct {
		name      string
		failFirst []error
		err       error
		wantCalls int
		wantErr   bool
	}{
		{name: "busy then exchanged", failFirst: []error{busy, reset, busy}, wantCalls: 4},
		{name: "busy every time", err: busy, wantCalls: defaultRetryPolicy().maxAttempts, wantErr: true},
		{name: "refused", err: refused, wantCalls: 1, wantErr: true},
		{name: "timed out", err: timedOut, wantCalls: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, ex := workloadTokensFor(t, creds, time.Now(), tt.err)
			ex.failFirst = tt.failFirst
			got, err := w.Token()
			if ex.calls != tt.wantCalls {
				t.Errorf("the exchange was sent %d times, want %d", ex.calls, tt.wantCalls)
			}
			if tt.wantErr != (err != nil) || (err == nil && got.AccessToken != "exchanged") {
				t.Errorf("Token() = %v, %v; want an error: %v", got, err, tt.wantErr)
			}
		})
	}
}
