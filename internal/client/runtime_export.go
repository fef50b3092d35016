package client

import (
	"crypto/tls"

	httptransport "github.com/go-openapi/runtime/client"
	"golang.org/x/oauth2"
)

// NewRuntime returns an SDK runtime that sends every request the way the
// provider does: with a token from tokens, the source channel header, and
// the provider's retries (429 and 503 always, connection failures when
// replaying is safe), so that other programs of this module, such as
// `localhcp publish`, need no second copy of those rules. apiTLS nil means
// plain HTTP, as HCP_API_TLS=disabled does; clientSecret is masked in logs.
func NewRuntime(apiAddress string, apiTLS *tls.Config, tokens oauth2.TokenSource, sourceChannel, clientSecret string) *httptransport.Runtime {
	return newRuntime(apiAddress, apiTLS, tokens, sourceChannelHeader(sourceChannel), clientSecret)
}
