package httpapi

import "github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"

// What the web panel shares with the API, so both enforce one policy.

// Allowed reports whether a role may perform an action, by the rule every
// API route follows; the panel asks it before it shows or does anything.
func Allowed(role, action string) bool { return allowed(role, action) }

// Denial is the message with which the API refuses principal p the action.
func Denial(p store.Principal, action, projectID string) string {
	return denial(p, action, projectID)
}

// Authenticate checks a principal's client id and secret exactly as the
// token endpoint does, for sign-ins that do not go through OAuth2.
func (h *Handler) Authenticate(clientID, clientSecret string) (store.Principal, bool) {
	return h.auth.principal(clientID, clientSecret)
}
