package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	iammodels "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// The workload-identity-providers commands (alias wips) manage a project
// principal's OIDC workload identity providers as an admin, with the calls
// the official hcp_iam_workload_identity_provider resource makes. The
// issuers' keys are not theirs to set: localhcp reads them from
// `serve --workload-identity FILE`.
var (
	wipsAddCommand = command{
		name:     "workload-identity-providers add",
		synopsis: "--principal NAME --name NAME --issuer URL [--audience A]... --conditional-access EXPR [--description D]",
		about: `Creates an OIDC workload identity provider of a project service principal:
tokens of the issuer that pass --conditional-access (a go-bexpr expression
over jwt_claims) are exchanged for the principal's access tokens. Prints the
provider's resource name, the workload_identity resource_name of a client.
localhcp verifies tokens only with the issuer keys it is given at start
(localhcp serve --workload-identity FILE); it never fetches them. Its built-in
test issuer, ` + localhcp.BuiltinIssuer + `, needs no keys: localhcp oidc-token
mints its tokens.
Needs an admin's HCP_* credentials: eval "$(localhcp env --role admin)".
`,
	}
	wipsListCommand = command{
		name:     "workload-identity-providers list",
		synopsis: "--principal NAME",
		about:    "Lists a project service principal's workload identity providers.\n",
	}
	wipsDeleteCommand = command{
		name:     "workload-identity-providers delete",
		synopsis: "--provider RESOURCE_NAME",
		about:    "Deletes a workload identity provider; the tokens exchanged through it stop working at once.\n",
	}
)

func wipsAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := wipsAddCommand
	fs := cmd.newFlagSet(stderr)
	principal := fs.String("principal", "", "the project principal's `NAME`, or its resource name (required)")
	name := fs.String("name", "", "the provider's `NAME` (required): 3 to 36 letters, digits, -, _ or .")
	issuer := fs.String("issuer", "", "the issuer `URL` (required), https://…, exactly as the tokens' iss claim")
	var audiences repeated
	fs.Var(&audiences, "audience", "an allowed `AUDIENCE` of the tokens; repeat for more. None: the provider's\nresource name, as HCP does")
	condition := fs.String("conditional-access", "", "the go-bexpr `EXPR` a token's claims must satisfy (required), e.g.\n'jwt_claims.sub == \"repo:org/app:ref:refs/heads/main\"'")
	description := fs.String("description", "", "a `DESCRIPTION` of at most 255 characters")
	if code, done := cmd.parse(fs, args, stdout, stderr); done {
		return code
	}
	for flagName, v := range map[string]string{"--principal": *principal, "--name": *name, "--issuer": *issuer, "--conditional-access": *condition} {
		if v == "" {
			return cmd.usageError(stderr, "%s is required: see `localhcp workload-identity-providers add --help`", flagName)
		}
	}
	c, err := connectIAM(ctx, getenv)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	rn, err := c.principalName(*principal)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	if audiences == nil {
		audiences = repeated{} // [], as the official provider sends an empty set
	}
	p := service_principals_service.NewServicePrincipalsServiceCreateWorkloadIdentityProviderParamsWithContext(ctx)
	p.ParentResourceName, p.Body.Name = rn, *name
	p.Body.Provider = &iammodels.HashicorpCloudIamWorkloadIdentityProvider{
		ConditionalAccess: *condition, Description: *description,
		OidcConfig: &iammodels.HashicorpCloudIamOIDCWorkloadIdentityProviderConfig{IssuerURI: *issuer, AllowedAudiences: audiences},
	}
	r, err := c.sps.ServicePrincipalsServiceCreateWorkloadIdentityProvider(p, nil)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	fmt.Fprintf(stdout, "resource_name=%s\nresource_id=%s\n", r.Payload.Provider.ResourceName, r.Payload.Provider.ResourceID)
	return 0
}

func wipsList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := wipsListCommand
	c, rn, code, done := principalCommand(ctx, cmd, "whose providers to list", args, getenv, stdout, stderr)
	if done {
		return code
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RESOURCE NAME\tISSUER\tAUDIENCES\tCONDITIONAL ACCESS")
	var next *string
	for {
		p := service_principals_service.NewServicePrincipalsServiceListWorkloadIdentityProviderParamsWithContext(ctx)
		p.ParentResourceName, p.PaginationNextPageToken = rn, next
		r, err := c.sps.ServicePrincipalsServiceListWorkloadIdentityProvider(p, nil)
		if err != nil {
			return failed(stderr, cmd, err)
		}
		for _, wip := range r.Payload.Providers {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", wip.ResourceName, issuerOf(wip), audiencesOf(wip), wip.ConditionalAccess)
		}
		if r.Payload.Pagination == nil || r.Payload.Pagination.NextPageToken == "" {
			break
		}
		next = &r.Payload.Pagination.NextPageToken
	}
	if err := w.Flush(); err != nil {
		return failed(stderr, cmd, err)
	}
	return 0
}

func issuerOf(p *iammodels.HashicorpCloudIamWorkloadIdentityProvider) string {
	if p.AwsConfig != nil {
		return "aws account " + p.AwsConfig.AccountID
	}
	if p.OidcConfig != nil {
		return p.OidcConfig.IssuerURI
	}
	return "-"
}

func audiencesOf(p *iammodels.HashicorpCloudIamWorkloadIdentityProvider) string {
	if p.OidcConfig == nil || len(p.OidcConfig.AllowedAudiences) == 0 {
		return "(its resource name)"
	}
	return fmt.Sprint(p.OidcConfig.AllowedAudiences)
}

func wipsDelete(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return deleteNamed(ctx, wipsDeleteCommand, "provider", "the provider's", "localhcp workload-identity-providers list",
		args, getenv, stdout, stderr, func(c *iamClient, name string) error {
			p := service_principals_service.NewServicePrincipalsServiceDeleteWorkloadIdentityProviderParamsWithContext(ctx)
			p.ResourceName4 = name
			_, err := c.sps.ServicePrincipalsServiceDeleteWorkloadIdentityProvider(p, nil)
			return err
		})
}
