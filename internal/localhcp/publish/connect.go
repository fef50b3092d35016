package publish

import (
	"context"

	"github.com/go-openapi/runtime"
)

// Connection is an hcp-sdk-go runtime for the API that HCP_* entries
// configure, with the organization and project it resolved.
type Connection struct {
	Transport      runtime.ClientTransport
	OrganizationID string
	ProjectID      string
}

// Connect reads env ("KEY=value" HCP_* entries; nil means os.Environ())
// and resolves the location, for Publish and the other commands that talk
// to the API through hcp-sdk-go. newRuntime sends the calls (Options.Runtime
// for Publish); nil means hcp-sdk-go's runtime.
func Connect(ctx context.Context, env []string, newRuntime Runtime) (*Connection, error) {
	e, err := parseEnv(environ(env))
	if err != nil {
		return nil, err
	}
	rt, err := e.transport(ctx, newRuntime)
	if err != nil {
		return nil, err
	}
	c := &Connection{Transport: rt}
	if c.OrganizationID, c.ProjectID, err = discover(ctx, rt, e.organizationID, e.projectID); err != nil {
		return nil, err
	}
	return c, nil
}
