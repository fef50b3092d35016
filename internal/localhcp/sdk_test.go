package localhcp_test

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-operation/stable/2020-05-05/client/operation_service"
	legacy_service "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/resource_service"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"
	"github.com/hashicorp/hcp-sdk-go/profile"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// sdk holds the real hcp-sdk-go clients of one principal.
type sdk struct {
	pk       packer_service.ClientService
	legacy   legacy_service.ClientService // Packer 2021-04-30
	orgs     organization_service.ClientService
	projects project_service.ClientService
	ops      operation_service.ClientService
	rs       resource_service.ClientService
	sps      service_principals_service.ClientService
	iam      iam_service.ClientService
	org      string
	project  string
}

// startServer starts an in-memory localhcp that stops with the test.
func startServer(t *testing.T, opts localhcp.Options) *localhcp.Server {
	t.Helper()
	srv, err := localhcp.Start(opts)
	if err != nil {
		t.Fatalf("start localhcp: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close localhcp: %v", err)
		}
	})
	return srv
}

// clientsFor builds SDK clients acting as the first principal of role.
func clientsFor(t testing.TB, srv *localhcp.Server, role string) *sdk {
	t.Helper()
	p := srv.Principal(role)
	return clientsWith(t, srv, p.ClientID, p.ClientSecret)
}

func clientsWith(t testing.TB, srv *localhcp.Server, clientID, secret string) *sdk {
	t.Helper()
	insecure := &tls.Config{InsecureSkipVerify: true}
	cfg, err := config.NewHCPConfig(
		config.WithClientCredentials(clientID, secret),
		config.WithAuth(srv.URL(), insecure),
		config.WithAPI(srv.Addr(), insecure),
		config.WithProfile(&profile.UserProfile{OrganizationID: srv.OrganizationID(), ProjectID: srv.ProjectID()}),
		config.WithoutBrowserLogin(),
	)
	if err != nil {
		t.Fatalf("configure SDK: %v", err)
	}
	return clientsFromConfig(t, srv, cfg)
}

// clientsFromConfig builds SDK clients on an HCP configuration.
func clientsFromConfig(t testing.TB, srv *localhcp.Server, cfg config.HCPConfig) *sdk {
	t.Helper()
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg, SourceChannel: "localhcp-test"})
	if err != nil {
		t.Fatalf("create SDK runtime: %v", err)
	}
	return &sdk{
		pk:       packer_service.New(rt, nil),
		legacy:   legacy_service.New(rt, nil),
		orgs:     organization_service.New(rt, nil),
		projects: project_service.New(rt, nil),
		ops:      operation_service.New(rt, nil),
		rs:       resource_service.New(rt, nil),
		sps:      service_principals_service.New(rt, nil),
		iam:      iam_service.New(rt, nil),
		org:      srv.OrganizationID(),
		project:  srv.ProjectID(),
	}
}

// clock is a settable test clock.
type clock struct{ ch chan time.Time }

func newClock(t time.Time) *clock {
	c := &clock{ch: make(chan time.Time, 1)}
	c.ch <- t
	return c
}

func (c *clock) Now() time.Time {
	t := <-c.ch
	c.ch <- t
	return t
}

func (c *clock) Advance(d time.Duration) {
	t := <-c.ch
	c.ch <- t.Add(d)
}
