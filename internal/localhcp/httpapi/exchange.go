package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/workload"
)

// MaxExchangeBodyBytes bounds a token exchange request: a JWT of a few KiB
// fits many times over.
const MaxExchangeBodyBytes = 64 << 10

// CountExchange counts token exchange requests (see RequestCounts).
const CountExchange = "iam.workloadidentityproviders.exchangetoken"

const (
	exchangePrefix = "/2019-12-10/"
	exchangeSuffix = "/exchange-token"
)

// exchangeName is the provider resource name of a token exchange request:
// POST /2019-12-10/<provider>/exchange-token, which hcp-sdk-go sends with
// its slashes unescaped and without a bearer token (CONTRACT.md §14.4).
func exchangeName(r *http.Request) (string, bool) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, exchangePrefix) {
		return "", false
	}
	return strings.CutSuffix(strings.TrimPrefix(r.URL.Path, exchangePrefix), exchangeSuffix)
}

// serveExchange answers a token exchange. Its failures are google.rpc.Status
// bodies; FailedPrecondition (no trusted keys) is HTTP 412 here, so a
// client can tell it from bad input.
func (h *Handler) serveExchange(w http.ResponseWriter, r *http.Request, name string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxExchangeBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeStatusAs(w, http.StatusRequestEntityTooLarge, codes.InvalidArgument, fmt.Sprintf(
			"the token exchange body for workload identity provider %q is larger than %d bytes: send only {\"jwt_token\": \"<JWT>\"}", truncateName(name), MaxExchangeBodyBytes))
		return
	case isTimeout(err):
		writeStatus(w, codes.DeadlineExceeded, "the token exchange body did not arrive within the server's read timeout: send it at once")
		return
	case err != nil:
		writeStatus(w, codes.Canceled, "reading the token exchange body failed: "+err.Error())
		return
	}
	out, err := h.exchange(r.Context(), name, body)
	if err != nil {
		code, msg := registry.CodeOf(err), err.Error()
		status := HTTPStatus(code)
		switch code {
		case codes.FailedPrecondition:
			status = http.StatusPreconditionFailed
		case codes.Internal:
			h.cfg.Logger.Error("internal error", slog.String("path", r.URL.Path), slog.String("error", msg))
			msg = "localhcp failed internally: " + msg
		}
		writeStatusAs(w, status, code, msg)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, out)
}

// exchange checks a presented token against the provider and issues an
// access token of the provider's service principal (CONTRACT.md §14.4).
func (h *Handler) exchange(ctx context.Context, name string, body []byte) (any, error) {
	n, wipName, ok := iam.ParseProviderName(name)
	if !ok {
		return nil, registry.Errorf(codes.NotFound, "workload identity provider %q not found: name one as iam/project/<project id>/service-principal/<name>/workload-identity-provider/<name>", truncateName(name))
	}
	if _, ok := h.projects[n.Parent.ProjectID]; !ok {
		return nil, registry.Errorf(codes.NotFound, "workload identity provider %q not found: project %q is not one of localhcp's (HCP_PROJECT_ID)", truncateName(name), truncate(n.Parent.ProjectID))
	}
	var req wire.ExchangeTokenBody
	if err := wire.Decode(body, &req); err != nil {
		return nil, invalidArgument("token exchange for workload identity provider %q: %s: send {\"jwt_token\": \"<JWT>\"}", truncateName(name), err.Error())
	}
	var p *store.WorkloadIdentityProvider
	var jwks string
	err := h.cfg.DB.ViewTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = providerNamed(tx, n, wipName); err != nil {
			return err
		}
		jwks, err = tx.IssuerKeys(p.IssuerURI)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p.AWSAccountID != "" || len(req.AWSGetCallerIDToken) > 0 {
		return nil, registry.Errorf(codes.Unimplemented, "workload identity provider %q: localhcp cannot verify AWS identities (it would have to call AWS STS): use an OIDC provider and a JWT instead", name)
	}
	if req.JWTToken == "" {
		return nil, invalidArgument("token exchange for workload identity provider %q has no jwt_token: send {\"jwt_token\": \"<JWT>\"}", name)
	}
	if jwks == "" {
		return nil, registry.Errorf(codes.FailedPrecondition, "workload identity provider %q: localhcp trusts no keys for its issuer %q: list the issuer and its public keys in `localhcp serve --workload-identity FILE` (or call TrustIssuer in tests)", name, p.IssuerURI)
	}
	var keys jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(jwks), &keys); err != nil {
		return nil, fmt.Errorf("read the keys of issuer %q: %w", p.IssuerURI, err)
	}
	audiences := p.AllowedAudiences
	if len(audiences) == 0 {
		audiences = []string{name} // HCP's default: the provider's resource name
	}
	claims, err := workload.Verify(req.JWTToken, keys, workload.Expected{Issuer: p.IssuerURI, Audiences: audiences, Now: h.cfg.Now()})
	if errors.Is(err, workload.ErrMalformed) {
		return nil, invalidArgument("token exchange for workload identity provider %q: jwt_token is not a JWT (%s): send a signed JWT in compact form", name, err.Error())
	}
	if err != nil {
		return nil, registry.Errorf(codes.Unauthenticated, "workload identity provider %q refused the token: %s", name, err.Error())
	}
	if !workload.Admits(p.ConditionalAccess, claims) {
		return nil, registry.Errorf(codes.PermissionDenied, "workload identity provider %q: the token's claims do not satisfy its conditional_access %q (a claim it names may be missing): present a token of an identity it admits, or change the expression", name, p.ConditionalAccess)
	}
	token, err := h.auth.issue(ctx, p.PrincipalID, store.WorkloadClientID(p.ID))
	if err != nil {
		return nil, fmt.Errorf("record the access token: %w", err)
	}
	return map[string]any{"access_token": token, "expires_in": int64(h.cfg.TokenTTL / time.Second)}, nil
}
