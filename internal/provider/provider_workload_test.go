package provider_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// workloadIdentityProvider is a provider block that authenticates only
// with a workload_identity block holding setting (`token_file = "…"`).
func workloadIdentityProvider(resourceName, setting string) string {
	return fmt.Sprintf(`
provider "hcppacker" {
  workload_identity {
    resource_name = %q
    %s
  }
}
`, resourceName, setting)
}

// withoutClientCredentials removes HCP_CLIENT_ID and HCP_CLIENT_SECRET from
// the process environment for the test, so that nothing but the
// configuration can authenticate. The test must not be parallel.
func withoutClientCredentials(t *testing.T) {
	t.Helper()
	for _, name := range []string{"HCP_CLIENT_ID", "HCP_CLIENT_SECRET"} {
		t.Setenv(name, "") // restores the variable after the test
		if err := os.Unsetenv(name); err != nil {
			t.Fatal(err)
		}
	}
}

// ciSubject is the sub claim of the CI job the workload identity providers
// of these tests allow.
const ciSubject = "repo:golden-image/images:ref:refs/heads/main"

// ciWorkloadIdentity creates a principal with no role of its own and a
// workload identity provider for it that allows the audience "hcp-ci" and
// only the job ciSubject.
func ciWorkloadIdentity(t *testing.T, name string) (*acctest.WorkloadIdentity, localhcp.Principal) {
	t.Helper()
	principal := acctest.NewPrincipal(t, name)
	return acctest.NewWorkloadIdentity(t, principal, []string{"hcp-ci"}, `jwt_claims.sub == "`+ciSubject+`"`), principal
}

// TestAccProviderWorkloadIdentity_actsAsTheExchangedPrincipal configures the
// provider with nothing but a workload_identity block, with no client
// credentials in the environment, and checks that it acts as the principal
// behind the workload identity provider: a project viewer, who reads the
// bucket names and is refused a bucket by name. The same through a
// credential file of scheme workload, and with an inline token, which must appear neither in the plan nor in a TRACE log; no
// exchanged token may land in hcp-sdk-go's token cache. Not parallel: it changes the process environment.
func TestAccProviderWorkloadIdentity_actsAsTheExchangedPrincipal(t *testing.T) {
	wi, principal := ciWorkloadIdentity(t, "tf-wif-viewer")
	acctest.GrantProjectRole(t, principal.ID, "roles/viewer")

	tokenFile := wi.TokenFile(t, map[string]any{"sub": ciSubject})
	fileToken, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	inlineToken := wi.Sign(t, map[string]any{"sub": ciSubject})
	withoutClientCredentials(t)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")

	read := bucketNamesConfig
	write := read + bucketConfig(acctest.RandomName("wif"), "", "")
	fromFile := workloadIdentityProvider(wi.ResourceName, fmt.Sprintf("token_file = %q", tokenFile))
	inline := workloadIdentityProvider(wi.ResourceName, fmt.Sprintf("token = %q", inlineToken))

	credFile := filepath.Join(t.TempDir(), "cred_file.json")
	credJSON := fmt.Sprintf(`{"scheme": "workload", "workload": {"provider_resource_name": %q, "file": {"path": %q}}}`, wi.ResourceName, tokenFile)
	if err := os.WriteFile(credFile, []byte(credJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	fromCredFile := fmt.Sprintf(`
provider "hcppacker" {
  credential_file = %q
}
`, credFile)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: fromCredFile + write, ExpectError: errorMatching("Permission Denied", principal.Name)},
			{Config: fromFile + read, Check: resource.TestCheckResourceAttrSet("data.hcppacker_bucket_names.all", "names.#")},
			{Config: fromFile + write, ExpectError: errorMatching("Permission Denied", principal.Name)},
			{
				Config:           inline + read,
				Check:            resource.TestCheckResourceAttrSet("data.hcppacker_bucket_names.all", "names.#"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planWithout{inlineToken}}},
			},
		},
	})

	// The exchanged tokens stay in memory: hcp-sdk-go's cache would hand
	// them to the next job that names the same provider.
	cache, err := os.ReadFile(filepath.Join(os.Getenv("HOME"), ".config", "hcp", "creds-cache.json"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if strings.Contains(string(cache), wi.ResourceName) {
		t.Errorf("hcp-sdk-go's token cache holds a token of %s", wi.ResourceName)
	}

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "configured the HCP client") {
		t.Fatalf("the trace log (%d bytes) has no provider log lines", len(log))
	}
	for i, line := range acctest.WithoutTestConfiguration(string(log)) {
		for name, token := range map[string]string{"inline token": inlineToken, "token file's token": strings.TrimSpace(string(fileToken))} {
			if strings.Contains(line, token) {
				t.Fatalf("the %s appears in line %d of the trace log: %s", name, i+1, strings.ReplaceAll(line, token, "<TOKEN>"))
			}
		}
	}
}

// planWithout checks that what terraform plan shows (the changes, the
// planned values and the prior state) does not hold secret. The plan file
// also stores the configuration and the variables as written, secrets
// included, as Terraform does for every sensitive value; that part is not
// shown.
type planWithout struct{ secret string }

func (c planWithout) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	shown, err := json.Marshal([]any{req.Plan.ResourceChanges, req.Plan.OutputChanges, req.Plan.PlannedValues, req.Plan.PriorState})
	switch {
	case err != nil:
		resp.Error = err
	case strings.Contains(string(shown), c.secret):
		resp.Error = errors.New("the plan shows the inline workload identity token")
	}
}

// TestAccProviderWorkloadIdentity_refusedTokens checks that each reason a
// token is refused gets its own configure error, naming what to fix. The
// contributor's HCP_CLIENT_ID and HCP_CLIENT_SECRET stay in the environment:
// they must not take the block's place.
func TestAccProviderWorkloadIdentity_refusedTokens(t *testing.T) {
	t.Parallel()
	wi, _ := ciWorkloadIdentity(t, "tf-wif-refused")
	past := time.Now().Add(-5 * time.Minute)
	withToken := func(claims map[string]any) string {
		return workloadIdentityProvider(wi.ResourceName, fmt.Sprintf("token_file = %q", wi.TokenFile(t, claims))) + bucketNamesConfig
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withToken(map[string]any{"sub": ciSubject, "iat": past.Add(-10 * time.Minute).Unix(), "exp": past.Unix()}),
				ExpectError: errorMatching("Unable to Configure the HCP Client", "workload identity token in token_file", "expired at",
					"fetch a fresh one in the same CI job"),
			},
			{
				Config:      withToken(map[string]any{"sub": ciSubject, "aud": "someone-else"}),
				ExpectError: errorMatching("HCP refused the workload identity token", "audience", `aud ["someone-else"]`),
			},
			{
				Config: withToken(map[string]any{"sub": "repo:someone/else:ref:refs/heads/main"}),
				ExpectError: errorMatching("conditional access of workload identity provider", `sub "repo:someone/else:ref:refs/heads/main"`,
					"conditional_access"),
			},
			{
				Config:      workloadIdentityProvider(wi.ResourceName+"-gone", `token_file = "`+wi.TokenFile(t, map[string]any{"sub": ciSubject})+`"`) + bucketNamesConfig,
				ExpectError: errorMatching("HCP has no workload identity provider", "check resource_name in the workload_identity block"),
			},
		},
	})
}

// bucketNamesConfig reads the bucket names, which needs nothing but a
// configured provider.
const bucketNamesConfig = `
data "hcppacker_bucket_names" "all" {}
`

// TestAccProviderWorkloadIdentity_missingTokenFile checks that a token_file
// that does not exist fails configuration by name before any request. Not
// parallel, so that the request count is the provider's alone.
func TestAccProviderWorkloadIdentity_missingTokenFile(t *testing.T) {
	srv := acctest.Server(t)
	missing := filepath.Join(t.TempDir(), "never-written")
	wip := "iam/project/" + srv.ProjectID() + "/service-principal/ci/workload-identity-provider/github"

	before := srv.RequestCount()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      workloadIdentityProvider(wip, fmt.Sprintf("token_file = %q", missing)) + bucketNamesConfig,
			ExpectError: errorMatching(`token_file "`+missing+`" does not exist`, "before terraform runs"),
		}},
	})
	if n := srv.RequestCount() - before; n != 0 {
		t.Errorf("the provider sent %d requests with a missing token_file, want none", n)
	}
}

// TestAccProviderWorkloadIdentity_validation checks the block's own rules,
// which hold before the provider is configured, and that a setting known
// only after apply is named.
func TestAccProviderWorkloadIdentity_validation(t *testing.T) {
	t.Parallel()
	wip := "iam/project/" + acctest.Location(t).ProjectID + "/service-principal/ci/workload-identity-provider/github"
	step := func(config string, want ...string) resource.TestStep {
		return resource.TestStep{Config: config + bucketNamesConfig, PlanOnly: true, ExpectError: errorMatching(want...)}
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(workloadIdentityProvider("iam/project/p/service-principal/ci", `token_file = "/t"`),
				"resource_name", "iam/project/<project id>/service-principal/<principal name>/workload-identity-provider/<provider"),
			step(workloadIdentityProvider(wip, "token_file = \"/t\"\n    token = \"inline\""),
				"Conflicting Workload Identity Tokens", "Set only one"),
			step(workloadIdentityProvider(wip, ""), "Missing Workload Identity Token", "token_file"),
			step(`
provider "hcppacker" {
  client_id     = "id"
  client_secret = "secret"
  workload_identity {
    resource_name = "`+wip+`"
    token_file    = "/t"
  }
}
`, "Invalid Attribute Combination", "client_id,workload_identity"),
			step(`
provider "hcppacker" {
  credential_file = "/nowhere/cred_file.json"
  workload_identity {
    resource_name = "`+wip+`"
    token_file    = "/t"
  }
}
`, "Invalid Attribute Combination", "credential_file,workload_identity"),
			step(`
provider "hcppacker" {
  workload_identity {
    resource_name = "`+wip+`"
    token_file    = "/a"
  }
  workload_identity {
    resource_name = "`+wip+`"
    token_file    = "/b"
  }
}
`, "workload_identity", "at most 1"),
			step(`
resource "terraform_data" "token_file" {
  input = "/run/oidc-token"
}

provider "hcppacker" {
  workload_identity {
    resource_name = "`+wip+`"
    token_file    = terraform_data.token_file.output
  }
}
`, "Unknown Provider Setting", "workload_identity.token_file", "only known after apply"),
		},
	})
}
