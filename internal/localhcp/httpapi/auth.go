package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// authenticator issues and checks access tokens. Tokens are stored by their
// SHA-256 only, so neither the database nor a log line holds a usable one;
// they survive a restart because a client's token cache replays them.
type authenticator struct {
	db  *store.DB
	ttl time.Duration
	now func() time.Time
	// ids is the principals, keys and bindings as last loaded from the
	// store; every change to them reloads it (see load).
	ids atomic.Pointer[identities]

	mu    sync.Mutex
	cache map[string]tokenEntry // hash → entry, in front of the tokens table
}

type tokenEntry struct {
	principalID string
	// clientID is the key the token was issued to, the workload identity
	// provider (store.WorkloadClientID) it was exchanged through, or "" for
	// tokens issued before tokens named their key.
	clientID  string
	expiresAt time.Time
}

// identities is one consistent view of who exists and what they may do.
type identities struct {
	orgResource string
	principals  map[string]store.ServicePrincipal // by id
	keys        map[string]store.Key              // by client id
	// providers holds the ids of the workload identity providers.
	providers map[string]bool
	// ranks holds, per resource key and member, the highest rank of the
	// roles bound to the member there.
	ranks map[string]map[string]int
}

func newAuthenticator(db *store.DB, ttl time.Duration, now func() time.Time) *authenticator {
	return &authenticator{db: db, ttl: ttl, now: now, cache: map[string]tokenEntry{}}
}

// load reads the principals, keys and bindings into a new view and
// forgets every cached token, so a token of a deleted key or principal is
// looked up again (and no longer found) on its next use.
func (a *authenticator) load(ctx context.Context, orgID string) error {
	ids := &identities{
		orgResource: iam.OrganizationResource(orgID),
		principals:  map[string]store.ServicePrincipal{}, keys: map[string]store.Key{}, ranks: map[string]map[string]int{},
		providers: map[string]bool{},
	}
	err := a.db.ViewTx(ctx, func(tx *store.Tx) error {
		sps, err := tx.ServicePrincipals()
		if err != nil {
			return err
		}
		for _, p := range sps {
			ids.principals[p.ID] = p
		}
		keys, err := tx.Keys()
		if err != nil {
			return err
		}
		for _, k := range keys {
			ids.keys[k.ClientID] = k
		}
		providers, err := tx.WorkloadIdentityProviders()
		if err != nil {
			return err
		}
		for _, p := range providers {
			ids.providers[store.WorkloadClientID(p.ID)] = true
		}
		bindings, err := tx.Bindings()
		if err != nil {
			return err
		}
		for _, b := range bindings {
			m := ids.ranks[b.Resource]
			if m == nil {
				m = map[string]int{}
				ids.ranks[b.Resource] = m
			}
			m[b.MemberID] = max(m[b.MemberID], iam.Rank(b.RoleID))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load principals, keys, workload identity providers and policies: %w", err)
	}
	a.ids.Store(ids)
	a.mu.Lock()
	clear(a.cache)
	a.mu.Unlock()
	return nil
}

// principalOf is the request's view of a service principal: its
// organization role, when it has one, is Role.
func (ids *identities) principalOf(sp store.ServicePrincipal) store.Principal {
	return store.Principal{ID: sp.ID, Name: sp.Name, Role: iam.ShortRole(iam.RoleOfRank(ids.ranks[ids.orgResource][sp.ID]))}
}

func secretMatches(k store.Key, secret string) bool {
	if k.Secret != "" {
		return subtle.ConstantTimeCompare([]byte(secret), []byte(k.Secret)) == 1
	}
	return subtle.ConstantTimeCompare([]byte(iam.HashSecret(secret)), []byte(k.SecretHash)) == 1
}

// serveToken is POST /oauth2/token, the client-credentials grant. The
// client authenticates with HTTP Basic (each part query-escaped, as
// golang.org/x/oauth2 sends it) or with client_id/client_secret form fields.
func (a *authenticator) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST for the token endpoint")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxTokenBodyBytes)
	if err := r.ParseForm(); err != nil {
		tokenBodyError(w, err)
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only grant_type=client_credentials is supported")
		return
	}
	id, secret, ok := basicCredentials(r)
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	p, ok := a.principal(id, secret)
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client id or wrong client secret: check HCP_CLIENT_ID and HCP_CLIENT_SECRET against `localhcp env`")
		return
	}
	token, err := a.issue(r.Context(), p.ID, id)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "localhcp could not record the token: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	body, _ := json.Marshal(map[string]any{
		"access_token": token,
		"token_type":   "Bearer",
		"expires_in":   int64(a.ttl / time.Second),
	})
	_, _ = w.Write(body)
}

// issue makes, records and caches a new access token of a principal,
// issued to clientID (a key's client id, or a workload identity provider's
// store.WorkloadClientID).
func (a *authenticator) issue(ctx context.Context, principalID, clientID string) (string, error) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails on supported platforms
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := a.now()
	expires := now.Add(a.ttl)
	hash := hashToken(token)
	err := a.db.UpdateTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteTokensExpiredBefore(now.Add(-time.Hour)); err != nil {
			return err
		}
		return tx.PutToken(hash, principalID, clientID, expires)
	})
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	for h, e := range a.cache {
		// Forget expired tokens here so a long-running server's cache stays
		// as small as the set of live tokens.
		if now.After(e.expiresAt) {
			delete(a.cache, h)
		}
	}
	a.cache[hash] = tokenEntry{principalID: principalID, clientID: clientID, expiresAt: expires}
	a.mu.Unlock()
	return token, nil
}

// MaxTokenBodyBytes bounds a token request: a grant type and a client's
// credentials fit many times over.
const MaxTokenBodyBytes = 64 << 10

// tokenBodyError answers a token request whose body could not be read as a
// form: too large, too slow (the server's read deadline passed) or
// malformed.
func tokenBodyError(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		oauthError(w, http.StatusRequestEntityTooLarge, "invalid_request",
			fmt.Sprintf("the token request body is larger than %d bytes: send only grant_type and the client credentials", MaxTokenBodyBytes))
	case isTimeout(err):
		oauthError(w, http.StatusRequestTimeout, "invalid_request", "the token request body did not arrive in time: send it at once")
	default:
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
	}
}

// basicCredentials reads HTTP Basic credentials whose parts were
// query-escaped before encoding (RFC 6749 §2.3.1).
func basicCredentials(r *http.Request) (id, secret string, ok bool) {
	rawID, rawSecret, ok := r.BasicAuth()
	if !ok {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(rawID)
	secret, err2 := url.QueryUnescape(rawSecret)
	if err1 != nil || err2 != nil {
		return rawID, rawSecret, true
	}
	return id, secret, true
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]string{"error": code, "error_description": description})
	_, _ = w.Write(body)
}

// verify resolves the bearer token of an API request to its principal.
func (a *authenticator) verify(r *http.Request) (store.Principal, error) {
	authz := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(authz, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return store.Principal{}, registry.Errorf(codes.Unauthenticated, "missing bearer token: obtain one from POST /oauth2/token with the client credentials (HCP_CLIENT_ID, HCP_CLIENT_SECRET)")
	}
	hash := hashToken(strings.TrimSpace(token))
	a.mu.Lock()
	entry, ok := a.cache[hash]
	a.mu.Unlock()
	if !ok {
		err := a.db.ViewTx(r.Context(), func(tx *store.Tx) error {
			id, clientID, exp, err := tx.Token(hash)
			entry = tokenEntry{principalID: id, clientID: clientID, expiresAt: exp}
			return err
		})
		if err != nil {
			return store.Principal{}, registry.Errorf(codes.Unauthenticated, "unknown access token (its key, workload identity provider or principal was deleted, or another localhcp instance or database issued it): request a new one; clients using hcp-sdk-go should use a fresh HOME so its token cache starts empty")
		}
		a.mu.Lock()
		a.cache[hash] = entry
		a.mu.Unlock()
	}
	if !a.now().Before(entry.expiresAt) {
		return store.Principal{}, registry.Errorf(codes.Unauthenticated, "access token expired at %s: request a new one from POST /oauth2/token", entry.expiresAt.UTC().Format(time.RFC3339))
	}
	ids := a.ids.Load()
	sp, ok := ids.principals[entry.principalID]
	if !ok {
		return store.Principal{}, registry.Errorf(codes.Unauthenticated, "the principal of this access token no longer exists: request a new token with current credentials")
	}
	if store.IsWorkloadClientID(entry.clientID) {
		if !ids.providers[entry.clientID] {
			return store.Principal{}, registry.Errorf(codes.Unauthenticated, "the workload identity provider this access token was exchanged through has been deleted: exchange a token through a current provider")
		}
	} else if _, ok := ids.keys[entry.clientID]; entry.clientID != "" && !ok {
		return store.Principal{}, registry.Errorf(codes.Unauthenticated, "the key this access token was issued to has been deleted: request a new token with a current key")
	}
	return ids.principalOf(sp), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// principal checks a client id and secret, comparing the secret in
// constant time.
func (a *authenticator) principal(id, secret string) (store.Principal, bool) {
	ids := a.ids.Load()
	k, known := ids.keys[id]
	if id == "" || !known || !secretMatches(k, secret) {
		return store.Principal{}, false
	}
	sp, ok := ids.principals[k.PrincipalID]
	if !ok {
		return store.Principal{}, false
	}
	return ids.principalOf(sp), true
}
