package workload

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Leeway is the clock skew allowed on exp and nbf, go-jose's default
// (CONTRACT.md §14.4).
const Leeway = jwt.DefaultLeeway

// Algorithms are the signature algorithms localhcp verifies; none and the
// HMAC ones (a shared secret is no issuer key) are refused.
var Algorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.ES256, jose.ES384, jose.EdDSA,
}

// ErrMalformed marks a token that is no compact JWS at all (the request
// is bad), as opposed to one that fails verification.
var ErrMalformed = errors.New("malformed token")

// Expected is what a token must match.
type Expected struct {
	Issuer    string
	Audiences []string // the allowed ones, never empty
	Now       time.Time
}

// Verify checks a compact JWS against an issuer's keys and Expected, and
// answers its claims. An error wrapping ErrMalformed means the input is no
// JWS; any other error means it does not verify. Messages never quote the
// token.
func Verify(token string, keys jose.JSONWebKeySet, want Expected) (map[string]any, error) {
	alg, kid, err := header(token)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(Algorithms, jose.SignatureAlgorithm(alg)) {
		return nil, fmt.Errorf("the token's signature algorithm %q is not accepted: sign with one of %s", truncate(alg), algorithmList())
	}
	parsed, err := jwt.ParseSigned(token, Algorithms)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	key, ok := verifyingKey(parsed, keys, kid)
	if !ok {
		return nil, errors.New("the token's signature does not verify with any key localhcp trusts for its issuer: sign it with a key given to localhcp for that issuer")
	}
	var std jwt.Claims
	var claims map[string]any
	if err := parsed.Claims(key, &std, &claims); err != nil {
		return nil, fmt.Errorf("the token's claims cannot be read (%w): issue iss, aud, exp and nbf with their RFC 7519 types", err)
	}
	if std.Issuer != want.Issuer {
		return nil, fmt.Errorf("the token's issuer (iss) %q is not the provider's issuer_uri %q", truncate(std.Issuer), want.Issuer)
	}
	if err := checkTimes(std, want.Now); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(std.Audience, func(a string) bool { return slices.Contains(want.Audiences, a) }) {
		return nil, fmt.Errorf("the token's audience %s is not among the provider's allowed audiences %s: issue the token for one of them", quoteList(std.Audience), quoteList(want.Audiences))
	}
	return claims, nil
}

// header reads the protected header's alg and kid, so that an unsupported
// algorithm can be told apart from garbage.
func header(token string) (alg, kid string, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", "", fmt.Errorf("%w: a JWT in compact form has three dot-separated parts, this one has %d", ErrMalformed, len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", "", fmt.Errorf("%w: its header is not base64url", ErrMalformed)
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", "", fmt.Errorf("%w: its header is not a JSON object", ErrMalformed)
	}
	return h.Alg, h.Kid, nil
}

// verifyingKey finds the key whose signature the token carries, among the
// keys named by kid (all of them when the token names none or no key
// carries that id); at most MaxKeys tries.
func verifyingKey(t *jwt.JSONWebToken, keys jose.JSONWebKeySet, kid string) (any, bool) {
	candidates := keys.Keys
	if kid != "" {
		if named := keys.Key(kid); len(named) > 0 {
			candidates = named
		}
	}
	for _, k := range candidates {
		if t.Claims(k.Key) == nil {
			return k.Key, true
		}
	}
	return nil, false
}

// checkTimes requires exp and applies Leeway to exp and nbf the way
// go-jose does: expired once now-Leeway is after exp, not yet valid while
// now+Leeway is before nbf.
func checkTimes(c jwt.Claims, now time.Time) error {
	if c.Expiry == nil {
		return errors.New("the token has no expiry (exp): issue tokens with an exp claim")
	}
	if exp := c.Expiry.Time(); now.Add(-Leeway).After(exp) {
		return fmt.Errorf("the token expired at %s: present a fresh one", exp.UTC().Format(time.RFC3339))
	}
	if c.NotBefore != nil {
		if nbf := c.NotBefore.Time(); now.Add(Leeway).Before(nbf) {
			return fmt.Errorf("the token is not valid before %s (nbf): present it later or check the clocks", nbf.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func algorithmList() string {
	names := make([]string, len(Algorithms))
	for i, a := range Algorithms {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// quoteList renders audiences as ["a", "b"], each kept short.
func quoteList(list []string) string {
	const most = 8
	quoted := make([]string, 0, min(len(list), most))
	for i, s := range list {
		if i == most {
			quoted = append(quoted, fmt.Sprintf("… %d more", len(list)-most))
			break
		}
		quoted = append(quoted, fmt.Sprintf("%q", truncate(s)))
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
