package panel

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// LoginLinkTTL is how long a login link stays usable.
const LoginLinkTTL = time.Hour

// metaLoginLink is the meta-table key of the one live login link. Storing
// it in the database lets `localhcp env`, another process, mint a link the
// running server accepts.
const metaLoginLink = "panel_login_link"

// loginLinkRecord is the stored form of a login link: the token's SHA-256,
// never the token.
type loginLinkRecord struct {
	Hash        string `json:"hash"`
	PrincipalID string `json:"principal_id"`
	ExpiresAt   int64  `json:"expires_at"` // Unix milliseconds
}

// NewLoginLink records a one-time login link for principalID that expires
// LoginLinkTTL after now, replacing any link not used yet, and returns its
// URL under baseURL (https://127.0.0.1:<port>).
func NewLoginLink(ctx context.Context, db *store.DB, baseURL, principalID string, now time.Time) (string, error) {
	token := randomToken()
	rec, _ := json.Marshal(loginLinkRecord{Hash: hashToken(token), PrincipalID: principalID, ExpiresAt: now.Add(LoginLinkTTL).UnixMilli()})
	err := db.UpdateTx(ctx, func(tx *store.Tx) error { return tx.SetMeta(metaLoginLink, string(rec)) })
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(baseURL, "/") + Prefix + "login/link?token=" + url.QueryEscape(token), nil
}

// redeemLoginLink spends token and returns the principal it signs in; the
// check and the spending share one transaction, so a link works once.
func (p *Panel) redeemLoginLink(ctx context.Context, token string) (string, bool) {
	var principalID string
	err := p.cfg.DB.UpdateTx(ctx, func(tx *store.Tx) error {
		raw, err := tx.Meta(metaLoginLink)
		if err != nil || raw == "" {
			return err
		}
		var rec loginLinkRecord
		// A record that does not parse opens nothing, like a wrong token.
		valid := json.Unmarshal([]byte(raw), &rec) == nil && equalTokens(hashToken(token), rec.Hash)
		if !valid {
			return nil
		}
		if err := tx.SetMeta(metaLoginLink, ""); err != nil {
			return err
		}
		if p.cfg.Now().Before(time.UnixMilli(rec.ExpiresAt)) {
			principalID = rec.PrincipalID
		}
		return nil
	})
	return principalID, err == nil && principalID != ""
}

// loginView is the sign-in page's data.
type loginView struct {
	Next    string
	Message string
	CSRF    string
}

func (p *Panel) loginPage(w http.ResponseWriter, r *http.Request) {
	msg := ""
	if r.URL.Query().Get("expired") != "" {
		msg = "Your session has expired: sign in again."
	}
	p.showLogin(w, r, http.StatusOK, msg)
}

func (p *Panel) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	data := loginView{Next: safeNext(r.FormValue("next")), Message: msg, CSRF: loginCSRF(w, r)}
	p.write(w, status, "login", view{Title: "Sign In", Data: data})
}

// login is the sign-in form: a principal's client id and secret, checked
// as the token endpoint checks them.
func (p *Panel) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	c, err := r.Cookie(loginCookie)
	if err != nil || !equalTokens(r.PostFormValue("csrf"), c.Value) {
		p.showLogin(w, r, http.StatusForbidden, "This sign-in form has expired or did not come from this panel: sign in again from this page.")
		return
	}
	principal, ok := p.cfg.Credentials.Authenticate(r.PostFormValue("client_id"), r.PostFormValue("client_secret"))
	if !ok {
		p.showLogin(w, r, http.StatusUnauthorized, "Unknown client id or wrong client secret: copy HCP_CLIENT_ID and HCP_CLIENT_SECRET from `localhcp env`.")
		return
	}
	clearCookie(w, loginCookie)
	p.sessions.start(w, r, principal.ID)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// loginLink signs in with a one-time link that `localhcp serve` or
// `localhcp env` printed.
func (p *Panel) loginLink(w http.ResponseWriter, r *http.Request) {
	principalID, ok := p.redeemLoginLink(r.Context(), r.URL.Query().Get("token"))
	if _, known := p.principals[principalID]; !ok || !known {
		p.showLogin(w, r, http.StatusUnauthorized, "This login link was already used, has expired or was replaced by a newer one: print a fresh one with `localhcp env`, or sign in with a client id and secret.")
		return
	}
	p.sessions.start(w, r, principalID)
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

func (p *Panel) logout(rq *request) error {
	p.sessions.end(rq.w, rq.sessionKey)
	http.Redirect(rq.w, rq.r, Prefix+"login", http.StatusSeeOther)
	return nil
}

// home opens the default project.
func (p *Panel) home(rq *request) error {
	if len(p.cfg.Projects) == 0 {
		return &pageError{http.StatusNotFound, "This localhcp has no project: start it with at least one (--projects)."}
	}
	http.Redirect(rq.w, rq.r, projectURL(p.cfg.Projects[0].ID), http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-sign-in redirect inside the panel.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return Prefix
	}
	return next
}
