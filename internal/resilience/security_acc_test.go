package resilience

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
)

// TestAccSecurity_viewerCannotWriteBesideContributor runs Terraform as the
// contributor, then as the viewer while the contributor's credentials are
// still in the environment: the viewer's change is refused with a message
// naming the viewer and the action, nothing of it lands, and the
// contributor's next plan is empty.
func TestAccSecurity_viewerCannotWriteBesideContributor(t *testing.T) {
	t.Parallel()
	bucket, channel := acctest.RandomName("security"), acctest.RandomName("chan")
	acctest.CreateBucket(t, bucket)
	config := func(restricted bool) string {
		return fmt.Sprintf(`
resource "hcppacker_channel" "c" {
  bucket_name = %q
  name        = %q
  restricted  = %t
}
`, bucket, channel, restricted)
	}
	contributorID := acctest.Server(t).Principal(acctest.RoleContributor).ID

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(false)},
			{
				Config: acctest.ProviderBlock(t, acctest.RoleViewer) + config(true),
				ExpectError: errorMatching("Permission Denied", `update channel "`+channel+`"`,
					`principal "viewer" (role viewer) may not packer.channels.update`),
			},
			{
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					ch, err := acctest.Client(t).GetChannel(context.Background(), acctest.Location(t), bucket, channel)
					if err != nil {
						return err
					}
					if ch.Restricted || ch.AuthorID != contributorID {
						return fmt.Errorf("channel %q is restricted=%t by %q after the viewer's refused change; want unrestricted, by the contributor %q",
							channel, ch.Restricted, ch.AuthorID, contributorID)
					}
					return nil
				},
			},
		},
	})
}

// TestAccSecurity_secretsStayOutOfLogsAndState complements the provider's
// TestAccProvider_secretNeverLogged (credentials from the environment and
// the provider block, a successful apply): here the viewer's credentials
// come from a credential_file, one step fails with a permission error and
// one with a wrong secret, and the check covers the access tokens too:
// neither secret appears in the TRACE log or anywhere in the state, and no
// string in the log is a token localhcp accepts.
//
// It is not parallel because it sets TF_LOG for the process.
func TestAccSecurity_secretsStayOutOfLogsAndState(t *testing.T) {
	srv := acctest.Server(t)
	viewer := srv.Principal(acctest.RoleViewer)
	wrongSecret := "wrong-" + acctest.RandomName("secret")
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")

	credFile := filepath.Join(t.TempDir(), "cred_file.json")
	raw, _ := json.Marshal(map[string]any{
		"scheme": "service_principal_creds",
		"oauth":  map[string]string{"client_id": viewer.ClientID, "client_secret": viewer.ClientSecret},
	})
	if err := os.WriteFile(credFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	bucket := acctest.RandomName("security")
	acctest.PublishVersion(t, bucket)
	fromFile := fmt.Sprintf(`
provider "hcppacker" {
  credential_file = %q
}
`, credFile)
	readBucket := fmt.Sprintf(`
data "hcppacker_bucket" "b" {
  name = %q
}
`, bucket)
	secrets := map[string]string{"the viewer's client secret": viewer.ClientSecret, "the wrong client secret": wrongSecret}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// The wrong secret comes first: the destroy at the end runs with
		// the last step's configuration, which must be able to connect.
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "hcppacker" {
  client_id     = %q
  client_secret = %q
}
`, viewer.ClientID, wrongSecret) + readBucket,
				ExpectError: errorMatching("Unable to Configure the HCP Client", "rejected the credentials"),
			},
			{
				Config:            fromFile + readBucket,
				ConfigStateChecks: []statecheck.StateCheck{stateHoldsNone{secrets: secrets}},
			},
			{
				Config: fromFile + readBucket + fmt.Sprintf(`
resource "hcppacker_channel" "c" {
  bucket_name = %q
  name        = "denied"
}
`, bucket),
				ExpectError: errorMatching("Permission Denied", `principal "viewer"`),
			},
		},
	})

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	// Without the provider's HTTP lines, the checks below would pass for
	// the wrong reason.
	if !strings.Contains(string(log), "Received HCP API response") {
		t.Fatalf("the trace log (%d bytes) has no HCP API traffic of the provider", len(log))
	}
	lines := acctest.WithoutTestConfiguration(string(log))
	for what, secret := range secrets {
		for i, line := range lines {
			if strings.Contains(line, secret) {
				t.Errorf("%s appears in line %d of the trace log: %s", what, i+1, strings.ReplaceAll(line, secret, "<SECRET>"))
			}
		}
	}
	checkNoUsableToken(t, strings.Join(lines, "\n"))
}

// stateHoldsNone fails when any of the secrets appears anywhere in the
// state, sensitive values included.
type stateHoldsNone struct{ secrets map[string]string }

func (c stateHoldsNone) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if !strings.Contains(string(raw), `"hcppacker_bucket"`) {
		resp.Error = fmt.Errorf("the state holds no hcppacker_bucket data source: nothing to check")
		return
	}
	for what, secret := range c.secrets {
		if strings.Contains(string(raw), secret) {
			resp.Error = fmt.Errorf("%s is in the state", what)
			return
		}
	}
}

// tokenShaped matches strings that could be localhcp access tokens (32
// bytes, base64url without padding), standing alone.
var tokenShaped = regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])([A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)`)

// checkNoUsableToken fails the test when the log holds an access token
// localhcp accepts. Tokens live only in the provider's memory, so asking the
// server is the one way to recognise a leaked one. A fresh token written
// into a log line must be recognised, or the check proves nothing.
func checkNoUsableToken(t *testing.T, log string) {
	t.Helper()
	srv := acctest.Server(t)
	api := newRawAPI(srv.URL(), srv.OrganizationID(), srv.ProjectID())
	p := srv.Principal(acctest.RoleViewer)
	fresh, err := api.fetchToken(context.Background(), p.ClientID, p.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if found, _ := usableTokensIn(api, `Authorization="Bearer `+fresh+`"`); len(found) != 1 {
		t.Fatalf("the token check does not recognise a token in a log line (found %d)", len(found))
	}

	found, tried := usableTokensIn(api, log)
	for _, token := range found {
		t.Errorf("the trace log holds an access token localhcp accepts (%s…)", token[:6])
	}
	t.Logf("tried %d token-shaped strings of the trace log against localhcp", tried)
}

// usableTokensIn returns the token-shaped strings of text that localhcp
// accepts as access tokens, and how many it tried.
func usableTokensIn(api *rawAPI, text string) (found []string, tried int) {
	candidates := map[string]bool{}
	for _, m := range tokenShaped.FindAllStringSubmatch(text, -1) {
		candidates[m[1]] = true
	}
	for candidate := range candidates {
		if api.callWithToken(context.Background(), candidate, http.MethodGet, api.packer+"/buckets", nil, nil) == nil {
			found = append(found, candidate)
		}
	}
	return found, len(candidates)
}
