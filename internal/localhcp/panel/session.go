package panel

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// Cookie names. The __Host- prefix makes the browser insist on Secure,
// Path=/ and no Domain, so no other origin can plant them.
const (
	sessionCookie = "__Host-localhcp-panel"
	loginCookie   = "__Host-localhcp-panel-login"
)

// session is one sign-in. Sessions live in memory: a restart signs
// everybody out, which a local service can afford.
type session struct {
	principalID string
	csrf        string
	expiresAt   time.Time
	flash       string // shown once on the next page
}

// sessions holds the live sessions by the SHA-256 of their cookie value,
// so a heap dump holds no usable cookie.
type sessions struct {
	now func() time.Time
	ttl time.Duration

	mu   sync.Mutex
	byID map[string]*session
}

func newSessions(now func() time.Time, ttl time.Duration) *sessions {
	return &sessions{now: now, ttl: ttl, byID: map[string]*session{}}
}

// randomToken returns 32 random bytes, URL-safe.
func randomToken() string {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(raw)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// equalTokens compares two secrets in constant time.
func equalTokens(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// start signs principalID in with a fresh session and sets its cookie;
// the session the request carried, if any, ends.
func (s *sessions) start(w http.ResponseWriter, r *http.Request, principalID string) {
	token := randomToken()
	now := s.now()
	s.mu.Lock()
	if c, err := r.Cookie(sessionCookie); err == nil {
		delete(s.byID, hashToken(c.Value))
	}
	for id, old := range s.byID {
		if !now.Before(old.expiresAt) {
			delete(s.byID, id)
		}
	}
	s.byID[hashToken(token)] = &session{principalID: principalID, csrf: randomToken(), expiresAt: now.Add(s.ttl)}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: int(s.ttl / time.Second),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// lookup returns the live session of the request, or nil. The expiry is
// the server's: a cookie kept past it opens nothing.
func (s *sessions) lookup(r *http.Request) (*session, string) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, ""
	}
	key := hashToken(c.Value)
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[key]
	if !ok {
		return nil, ""
	}
	if !s.now().Before(sess.expiresAt) {
		delete(s.byID, key)
		return nil, ""
	}
	return sess, key
}

// end signs the session out and clears its cookie.
func (s *sessions) end(w http.ResponseWriter, key string) {
	s.mu.Lock()
	delete(s.byID, key)
	s.mu.Unlock()
	clearCookie(w, sessionCookie)
}

func (s *sessions) setFlash(sess *session, msg string) {
	s.mu.Lock()
	sess.flash = msg
	s.mu.Unlock()
}

func (s *sessions) takeFlash(sess *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := sess.flash
	sess.flash = ""
	return msg
}

func clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// loginCSRF returns the token of the sign-in form: before a session
// exists, the form carries the value of a short-lived cookie and the POST
// must present both (double submit).
func loginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCookie); err == nil && c.Value != "" {
		return c.Value
	}
	token := randomToken()
	http.SetCookie(w, &http.Cookie{
		Name: loginCookie, Value: token, Path: "/", MaxAge: 3600,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	return token
}
