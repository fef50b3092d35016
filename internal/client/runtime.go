package client

import (
	"fmt"
	"net/http"

	httptransport "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/runtime/logger"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/version"
	"golang.org/x/oauth2"
)

// newRuntime builds the go-openapi runtime the SDK's generated clients
// submit through. It replaces hcp-sdk-go's httpclient.New so that our
// transport sits below the point where the bearer token is attached: that
// way it retries with the same token and knows the token to mask in logs.
func newRuntime(hcpConfig config.HCPConfig, tokens oauth2.TokenSource, sourceChannel, clientSecret string) *httptransport.Runtime {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.TLSClientConfig = hcpConfig.APITLSConfig()

	// As in the SDK, a nil API TLS config (HCP_API_TLS=disabled) means
	// plain HTTP.
	scheme := "https"
	if hcpConfig.APITLSConfig() == nil {
		scheme = "http"
	}

	rt := httptransport.New(hcpConfig.APIAddress(), "", []string{scheme})
	rt.Transport = &transport{
		base:          base,
		tokens:        tokens,
		sourceChannel: sourceChannel,
		secrets:       []string{clientSecret},
		policy:        defaultRetryPolicy(),
	}
	// go-openapi dumps whole requests, Authorization header included, to
	// the standard logger when DEBUG or SWAGGER_DEBUG is set in the
	// environment. Our transport logs every call through tflog instead.
	rt.SetDebug(false)
	rt.SetLogger(discardLogger{})
	return rt
}

// sourceChannelHeader is the X-HCP-Source-Channel value, in the SDK's form.
func sourceChannelHeader(channel string) string {
	if channel == "" {
		channel = defaultSourceChannel
	}
	return fmt.Sprintf("%s hcp-go-sdk/%s", channel, version.Version)
}

// discardLogger swallows go-openapi's debug output.
type discardLogger struct{}

var _ logger.Logger = discardLogger{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Debugf(string, ...any) {}
