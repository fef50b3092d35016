package acctest

import (
	"context"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// RoleAdmin is the role of the seeded principal that may change IAM
// policies.
const RoleAdmin = "admin"

// ClientAs returns a client of the package's localhcp acting as the seeded
// principal of role, for changes only that role may make out of band (an
// admin editing a bucket's IAM policy).
func ClientAs(t testing.TB, role string) client.API {
	t.Helper()
	p := Server(t).Principal(role)
	c, _, err := client.New(context.Background(), client.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, SourceChannel: "hcppacker-acctest",
	})
	if err != nil {
		t.Fatalf("acctest: create an HCP client as %s: %v", role, err)
	}
	return c
}
