package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	iammodels "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/models"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/resource_service"
	rm "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/models"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// The principals and keys commands manage service principals through the
// IAM API of the server the HCP_* environment names, as an admin: the same
// calls the official hcp_service_principal, hcp_service_principal_key and
// IAM policy resources make.
var (
	principalsAddCommand = command{
		name:     "principals add",
		synopsis: "--name NAME [--role viewer|contributor|admin] [--bucket NAME] [--organization]",
		about: `Creates a service principal in the project (or, with --organization, the
organization) and, with --role, binds it that role on the project, the
organization or, with --bucket, one bucket. Prints its id and resource name.
Needs an admin's HCP_* credentials: eval "$(localhcp env --role admin)".
`,
	}
	principalsListCommand = command{
		name:     "principals list",
		synopsis: "[--organization]",
		about: `Lists the project's service principals (with --organization, the
organization's) with the roles they hold on the project and the organization.
`,
	}
	principalsDeleteCommand = command{
		name:     "principals delete",
		synopsis: "--principal NAME",
		about:    "Deletes a service principal with its keys; their tokens stop working at once.\n",
	}
	keysAddCommand = command{
		name:     "keys add",
		synopsis: "--principal NAME",
		about: `Creates a key for a service principal and prints its client id and secret as
HCP_CLIENT_ID and HCP_CLIENT_SECRET exports. The secret is shown only this
once: localhcp keeps only its hash.
`,
	}
	keysListCommand = command{
		name:     "keys list",
		synopsis: "--principal NAME",
		about:    "Lists a service principal's keys: resource name and client id, never a secret.\n",
	}
	keysDeleteCommand = command{
		name:     "keys delete",
		synopsis: "--key RESOURCE_NAME",
		about:    "Deletes a key; the tokens it fetched stop working at once.\n",
	}
)

const iamUsage = `Usage:
  localhcp principals add    --name NAME [--role viewer|contributor|admin] [--bucket NAME] [--organization]
  localhcp principals list   [--organization]
  localhcp principals delete --principal NAME
  localhcp keys add          --principal NAME
  localhcp keys list         --principal NAME
  localhcp keys delete       --key RESOURCE_NAME
  localhcp workload-identity-providers add    --principal NAME --name NAME --issuer URL [--audience A]...
                                              --conditional-access EXPR [--description D]
  localhcp workload-identity-providers list   --principal NAME
  localhcp workload-identity-providers delete --provider RESOURCE_NAME
  (wips is short for workload-identity-providers; the issuers' keys come from
  localhcp serve --workload-identity FILE)

Run "localhcp principals add --help" (and so on) for the flags of one command.
`

// iamCmd runs "principals VERB", "keys VERB" and
// "workload-identity-providers VERB" (or "wips VERB"); args starts with the
// group.
func iamCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if args[0] == "wips" {
		args = append([]string{"workload-identity-providers"}, args[1:]...)
	}
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		if len(args) == 2 && slices.Contains([]string{"-h", "-help", "--help"}, args[1]) {
			fmt.Fprint(stdout, iamUsage)
			return 0
		}
		fmt.Fprintf(stderr, "localhcp %s: name what to do: add, list or delete\n\n%s", args[0], iamUsage)
		return 2
	}
	run, ok := map[string]func(context.Context, []string, func(string) string, io.Writer, io.Writer) int{
		"principals add": principalsAdd, "principals list": principalsList, "principals delete": principalsDelete,
		"keys add": keysAdd, "keys list": keysList, "keys delete": keysDelete,
		"workload-identity-providers add": wipsAdd, "workload-identity-providers list": wipsList,
		"workload-identity-providers delete": wipsDelete,
	}[args[0]+" "+args[1]]
	if !ok {
		fmt.Fprintf(stderr, "localhcp %s: unknown command %q: use add, list or delete\n\n%s", args[0], args[1], iamUsage)
		return 2
	}
	return run(ctx, args[2:], getenv, stdout, stderr)
}

// iamClient is the SDK clients of one admin session.
type iamClient struct {
	ctx      context.Context
	sps      service_principals_service.ClientService
	orgs     organization_service.ClientService
	projects project_service.ClientService
	rs       resource_service.ClientService
	org      string
	project  string
}

func connectIAM(ctx context.Context, getenv func(string) string) (*iamClient, error) {
	conn, err := publish.Connect(ctx, environ(getenv), providerRuntime)
	if err != nil {
		return nil, err
	}
	return &iamClient{
		ctx: ctx, org: conn.OrganizationID, project: conn.ProjectID,
		sps:      service_principals_service.New(conn.Transport, nil),
		orgs:     organization_service.New(conn.Transport, nil),
		projects: project_service.New(conn.Transport, nil),
		rs:       resource_service.New(conn.Transport, nil),
	}, nil
}

// parent is the resource name of the project or, for organization, the
// organization.
func (c *iamClient) parent(organization bool) string {
	if organization {
		return "organization/" + c.org
	}
	return "project/" + c.project
}

// principalName turns --principal into a resource name: one given whole,
// or a name in the project, else in the organization.
func (c *iamClient) principalName(name string) (string, error) {
	if strings.HasPrefix(name, "iam/") {
		return name, nil
	}
	for _, organization := range []bool{false, true} {
		rn := "iam/" + c.parent(organization) + "/service-principal/" + name
		if _, err := c.getPrincipal(rn); err == nil {
			return rn, nil
		} else if httpStatus(err) != 404 {
			return "", err
		}
	}
	return "", fmt.Errorf("no service principal %q in project %s or its organization: list them with `localhcp principals list`", name, c.project)
}

func (c *iamClient) getPrincipal(rn string) (*iammodels.HashicorpCloudIamGetServicePrincipalResponse, error) {
	p := service_principals_service.NewServicePrincipalsServiceGetServicePrincipalParamsWithContext(c.ctx)
	p.ResourceName = rn
	r, err := c.sps.ServicePrincipalsServiceGetServicePrincipal(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload, nil
}

// grant binds role to principalID on the project, the organization or a
// bucket, keeping the other bindings: read, change, write with the etag
// read, as the official binding resources do.
func (c *iamClient) grant(principalID, role, bucket string, organization bool) error {
	policy, set, err := c.policyOf(bucket, organization)
	if err != nil {
		return err
	}
	sp := rm.HashicorpCloudResourcemanagerPolicyBindingMemberTypeSERVICEPRINCIPAL
	member := &rm.HashicorpCloudResourcemanagerPolicyBindingMember{MemberID: principalID, MemberType: &sp}
	i := slices.IndexFunc(policy.Bindings, func(b *rm.HashicorpCloudResourcemanagerPolicyBinding) bool { return b.RoleID == role })
	if i < 0 {
		policy.Bindings = append(policy.Bindings, &rm.HashicorpCloudResourcemanagerPolicyBinding{RoleID: role})
		i = len(policy.Bindings) - 1
	}
	policy.Bindings[i].Members = append(policy.Bindings[i].Members, member)
	return set(policy)
}

// policyOf reads the policy a grant changes and returns how to write it.
func (c *iamClient) policyOf(bucket string, organization bool) (*rm.HashicorpCloudResourcemanagerPolicy, func(*rm.HashicorpCloudResourcemanagerPolicy) error, error) {
	switch {
	case bucket != "":
		name := "packer/project/" + c.project + "/bucket/" + bucket
		p := resource_service.NewResourceServiceGetIamPolicyParamsWithContext(c.ctx)
		p.ResourceName = &name
		r, err := c.rs.ResourceServiceGetIamPolicy(p, nil)
		if err != nil {
			return nil, nil, err
		}
		return r.Payload.Policy, func(policy *rm.HashicorpCloudResourcemanagerPolicy) error {
			p := resource_service.NewResourceServiceSetIamPolicyParamsWithContext(c.ctx)
			p.Body = &rm.HashicorpCloudResourcemanagerResourceSetIamPolicyRequest{Policy: policy, ResourceName: name}
			_, err := c.rs.ResourceServiceSetIamPolicy(p, nil)
			return err
		}, nil
	case organization:
		p := organization_service.NewOrganizationServiceGetIamPolicyParamsWithContext(c.ctx)
		p.ID = c.org
		r, err := c.orgs.OrganizationServiceGetIamPolicy(p, nil)
		if err != nil {
			return nil, nil, err
		}
		return r.Payload.Policy, func(policy *rm.HashicorpCloudResourcemanagerPolicy) error {
			p := organization_service.NewOrganizationServiceSetIamPolicyParamsWithContext(c.ctx)
			p.ID, p.Body = c.org, &rm.HashicorpCloudResourcemanagerOrganizationServiceSetIamPolicyBody{Policy: policy}
			_, err := c.orgs.OrganizationServiceSetIamPolicy(p, nil)
			return err
		}, nil
	default:
		r, err := c.projectPolicy()
		if err != nil {
			return nil, nil, err
		}
		return r, func(policy *rm.HashicorpCloudResourcemanagerPolicy) error {
			p := project_service.NewProjectServiceSetIamPolicyParamsWithContext(c.ctx)
			p.ID, p.Body = c.project, &rm.HashicorpCloudResourcemanagerProjectServiceSetIamPolicyBody{Policy: policy}
			_, err := c.projects.ProjectServiceSetIamPolicy(p, nil)
			return err
		}, nil
	}
}

func (c *iamClient) projectPolicy() (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := project_service.NewProjectServiceGetIamPolicyParamsWithContext(c.ctx)
	p.ID = c.project
	r, err := c.projects.ProjectServiceGetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

func (c *iamClient) orgPolicy() (*rm.HashicorpCloudResourcemanagerPolicy, error) {
	p := organization_service.NewOrganizationServiceGetIamPolicyParamsWithContext(c.ctx)
	p.ID = c.org
	r, err := c.orgs.OrganizationServiceGetIamPolicy(p, nil)
	if err != nil {
		return nil, err
	}
	return r.Payload.Policy, nil
}

func principalsAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := principalsAddCommand
	fs := cmd.newFlagSet(stderr)
	name := fs.String("name", "", "the principal's `NAME` (required): 3 to 36 letters, digits, -, _ or .")
	role := fs.String("role", "", "`ROLE` to bind it: viewer, contributor or admin; none when empty")
	bucket := fs.String("bucket", "", "bind --role on this bucket `NAME` only, not the whole project")
	organization := fs.Bool("organization", false, "create it in the organization instead of the project, and bind --role there")
	if code, done := cmd.parse(fs, args, stdout, stderr); done {
		return code
	}
	if *name == "" {
		return cmd.usageError(stderr, "--name is required: name the principal, e.g. --name packer")
	}
	if *role != "" && !slices.Contains([]string{"viewer", "contributor", "admin"}, *role) {
		return cmd.usageError(stderr, "--role %q is not a role: use viewer, contributor or admin", *role)
	}
	if *bucket != "" && (*role == "" || *organization) {
		return cmd.usageError(stderr, "--bucket binds --role on a bucket of the project: give --role, and leave out --organization")
	}
	c, err := connectIAM(ctx, getenv)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	p := service_principals_service.NewServicePrincipalsServiceCreateServicePrincipalParamsWithContext(ctx)
	p.ParentResourceName, p.Body.Name = c.parent(*organization), *name
	r, err := c.sps.ServicePrincipalsServiceCreateServicePrincipal(p, nil)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	sp := r.Payload.ServicePrincipal
	if *role != "" {
		if err := c.grant(sp.ID, "roles/"+*role, *bucket, *organization); err != nil {
			return failed(stderr, cmd, fmt.Errorf("principal %s was created, but binding %s failed: %s", sp.ResourceName, *role, describe(err)))
		}
	}
	fmt.Fprintf(stdout, "id=%s\nresource_name=%s\n", sp.ID, sp.ResourceName)
	return 0
}

func principalsList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := principalsListCommand
	fs := cmd.newFlagSet(stderr)
	organization := fs.Bool("organization", false, "list the organization's principals instead of the project's")
	if code, done := cmd.parse(fs, args, stdout, stderr); done {
		return code
	}
	c, err := connectIAM(ctx, getenv)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	p := service_principals_service.NewServicePrincipalsServiceListServicePrincipalsParamsWithContext(ctx)
	p.ParentResourceName = c.parent(*organization)
	r, err := c.sps.ServicePrincipalsServiceListServicePrincipals(p, nil)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	roles := map[string][]string{}
	for where, read := range map[string]func() (*rm.HashicorpCloudResourcemanagerPolicy, error){"project": c.projectPolicy, "organization": c.orgPolicy} {
		policy, err := read()
		if err != nil {
			return failed(stderr, cmd, err)
		}
		for _, b := range policy.Bindings {
			for _, m := range b.Members {
				roles[m.MemberID] = append(roles[m.MemberID], strings.TrimPrefix(b.RoleID, "roles/")+" ("+where+")")
			}
		}
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tID\tROLES\tRESOURCE NAME")
	for _, sp := range r.Payload.ServicePrincipals {
		held := roles[sp.ID]
		slices.Sort(held)
		if len(held) == 0 {
			held = []string{"-"}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", sp.Name, sp.ID, strings.Join(held, ", "), sp.ResourceName)
	}
	if err := w.Flush(); err != nil {
		return failed(stderr, cmd, err)
	}
	return 0
}

func principalsDelete(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := principalsDeleteCommand
	c, rn, code, done := principalCommand(ctx, cmd, "to delete", args, getenv, stdout, stderr)
	if done {
		return code
	}
	p := service_principals_service.NewServicePrincipalsServiceDeleteServicePrincipalParamsWithContext(ctx)
	p.ResourceName = rn
	if _, err := c.sps.ServicePrincipalsServiceDeleteServicePrincipal(p, nil); err != nil {
		return failed(stderr, cmd, err)
	}
	fmt.Fprintf(stdout, "deleted=%s\n", rn)
	return 0
}

func keysAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := keysAddCommand
	c, rn, code, done := principalCommand(ctx, cmd, "the key is for", args, getenv, stdout, stderr)
	if done {
		return code
	}
	p := service_principals_service.NewServicePrincipalsServiceCreateServicePrincipalKeyParamsWithContext(ctx)
	p.ParentResourceName = rn
	r, err := c.sps.ServicePrincipalsServiceCreateServicePrincipalKey(p, nil)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	fmt.Fprintf(stdout, "# key %s: the secret is shown only this once\nexport HCP_CLIENT_ID=%s\nexport HCP_CLIENT_SECRET=%s\n",
		r.Payload.Key.ResourceName, shellQuote(r.Payload.Key.ClientID), shellQuote(r.Payload.ClientSecret))
	return 0
}

func keysList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := keysListCommand
	c, rn, code, done := principalCommand(ctx, cmd, "whose keys to list", args, getenv, stdout, stderr)
	if done {
		return code
	}
	got, err := c.getPrincipal(rn)
	if err != nil {
		return failed(stderr, cmd, err)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CLIENT ID\tCREATED\tRESOURCE NAME")
	for _, k := range got.Keys {
		fmt.Fprintf(w, "%s\t%s\t%s\n", k.ClientID, k.CreatedAt, k.ResourceName)
	}
	if err := w.Flush(); err != nil {
		return failed(stderr, cmd, err)
	}
	return 0
}

func keysDelete(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return deleteNamed(ctx, keysDeleteCommand, "key", "the key's", "localhcp keys list", args, getenv, stdout, stderr,
		func(c *iamClient, name string) error {
			p := service_principals_service.NewServicePrincipalsServiceDeleteServicePrincipalKeyParamsWithContext(ctx)
			p.ResourceName2 = name
			_, err := c.sps.ServicePrincipalsServiceDeleteServicePrincipalKey(p, nil)
			return err
		})
}

// deleteNamed runs a command that deletes one object named by its resource
// name in the one flag --flag: whose says whose name it is ("the key's"),
// list is the command that shows it.
func deleteNamed(ctx context.Context, cmd command, flag, whose, list string, args []string, getenv func(string) string,
	stdout, stderr io.Writer, del func(c *iamClient, name string) error,
) int {
	fs := cmd.newFlagSet(stderr)
	name := fs.String(flag, "", whose+" `RESOURCE_NAME`, as `"+list+"` shows it (required)")
	if code, done := cmd.parse(fs, args, stdout, stderr); done {
		return code
	}
	if *name == "" {
		return cmd.usageError(stderr, "--%s is required: give %s resource name from `%s`", flag, whose, list)
	}
	c, err := connectIAM(ctx, getenv)
	if err == nil {
		err = del(c, *name)
	}
	if err != nil {
		return failed(stderr, cmd, err)
	}
	fmt.Fprintf(stdout, "deleted=%s\n", *name)
	return 0
}

// principalCommand parses the flags of a command whose one flag is
// --principal, connects and resolves the principal's resource name. done
// says the command must stop there, with code.
func principalCommand(ctx context.Context, cmd command, purpose string, args []string, getenv func(string) string,
	stdout, stderr io.Writer,
) (c *iamClient, rn string, code int, done bool) {
	fs := cmd.newFlagSet(stderr)
	principal := fs.String("principal", "", "the principal's `NAME` in the project or organization, or its resource name (required)")
	if code, done := cmd.parse(fs, args, stdout, stderr); done {
		return nil, "", code, true
	}
	if *principal == "" {
		return nil, "", cmd.usageError(stderr, "--principal is required: name the principal %s", purpose), true
	}
	c, err := connectIAM(ctx, getenv)
	if err == nil {
		rn, err = c.principalName(*principal)
	}
	if err != nil {
		return nil, "", failed(stderr, cmd, err), true
	}
	return c, rn, 0, false
}

// failed reports err and returns exit code 1.
func failed(stderr io.Writer, cmd command, err error) int {
	fmt.Fprintf(stderr, "localhcp %s: %s\n", cmd.name, describe(err))
	return 1
}

// describe is the API's own message for an SDK error, in place of the
// SDK's request dump, or the error's text.
func describe(err error) string {
	var api interface{ GetPayload() *cloud.GoogleRPCStatus }
	if errors.As(err, &api) && api.GetPayload() != nil {
		return fmt.Sprintf("HTTP %d: %s", httpStatus(err), api.GetPayload().Message)
	}
	return err.Error()
}

// httpStatus is the HTTP status of an SDK error, or 0.
func httpStatus(err error) int {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code()
	}
	return 0
}
