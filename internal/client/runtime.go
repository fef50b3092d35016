package client

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"

	httptransport "github.com/go-openapi/runtime/client"
	"github.com/hashicorp/hcp-sdk-go/version"
	"golang.org/x/oauth2"
)

// newRuntime builds the go-openapi runtime the SDK's generated clients
// submit through. It replaces hcp-sdk-go's httpclient.New so that our
// transport sits below the point where the bearer token is attached: that
// way it retries with the same token and knows the token to mask in logs.
func newRuntime(apiAddress string, apiTLS *tls.Config, tokens oauth2.TokenSource, sourceChannel, clientSecret string) *httptransport.Runtime {
	return runtimeOver(apiAddress, apiTLS, newTransport(apiTLS, tokens, sourceChannel, clientSecret))
}

// newTransport is the API transport with the default retry policy and
// attempt timeout.
func newTransport(apiTLS *tls.Config, tokens oauth2.TokenSource, sourceChannel, clientSecret string) *transport {
	return &transport{
		base:          newBaseTransport(apiTLS),
		tokens:        tokens,
		sourceChannel: sourceChannel,
		secrets:       []string{clientSecret},
		policy:        defaultRetryPolicy(),
	}
}

// runtimeOver builds the runtime for the API at apiAddress on tr.
func runtimeOver(apiAddress string, apiTLS *tls.Config, tr *transport) *httptransport.Runtime {
	// As in the SDK, a nil API TLS config (HCP_API_TLS=disabled) means
	// plain HTTP.
	scheme := "https"
	if apiTLS == nil {
		scheme = "http"
	}

	rt := httptransport.New(apiAddress, "", []string{scheme})
	rt.Transport = tr
	// go-openapi dumps whole requests, Authorization header included, to
	// the standard logger when DEBUG or SWAGGER_DEBUG is set in the
	// environment. Our transport logs every call through tflog instead.
	// (SetDebug would also flip a package-level flag of go-openapi's
	// server middleware, racing with other runtimes; the field suffices.)
	rt.Debug = false
	return rt
}

// sourceChannelHeader is the X-HCP-Source-Channel value, in the SDK's form.
func sourceChannelHeader(channel string) string {
	if channel == "" {
		channel = defaultSourceChannel
	}
	return fmt.Sprintf("%s hcp-go-sdk/%s", channel, version.Version)
}

// newBaseTransport is net/http's default transport with the API's TLS
// settings and more idle connections per host (Terraform calls the provider
// with up to ten operations in parallel, all against one host, and the
// default of two would close and reopen TLS connections between them). The
// wait for an answer is bounded per attempt by the transport above it.
func newBaseTransport(apiTLS *tls.Config) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       apiTLS,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
