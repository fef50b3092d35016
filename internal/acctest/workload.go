package acctest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	serviceprincipals "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/service_principals_service"
	iammodels "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// WorkloadIdentity is a workload identity provider of a service principal
// in the package's localhcp, with the OIDC issuer that signs its tokens:
// what a CI system and its HCP setup are to a real pipeline.
type WorkloadIdentity struct {
	// ResourceName is the provider's resource name, the block's
	// resource_name.
	ResourceName string
	// Issuer is the issuer URI localhcp trusts for it.
	Issuer string
	// Audience is the audience Sign puts into tokens: the first allowed
	// audience, else the resource name (HCP's default audience).
	Audience string

	key   *ecdsa.PrivateKey
	keyID string
}

// NewWorkloadIdentity creates an OIDC workload identity provider for
// principal through hcp-sdk-go's IAM client, as the admin, with a fresh
// ECDSA P-256 signing key whose public half localhcp trusts for a unique
// https issuer. Tokens are accepted for the audiences (none: the resource
// name) when conditionalAccess, a go-bexpr expression over jwt_claims,
// holds for them.
func NewWorkloadIdentity(t testing.TB, principal localhcp.Principal, audiences []string, conditionalAccess string) *WorkloadIdentity {
	t.Helper()
	srv := Server(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("acctest: generate a signing key: %v", err)
	}
	w := &WorkloadIdentity{Issuer: "https://" + strings.ToLower(RandomName("ci")) + ".oidc.example", key: key, keyID: RandomName("key")}
	keys, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: w.keyID, Algorithm: string(jose.ES256), Use: "sig"}}})
	if err != nil {
		t.Fatalf("acctest: encode the issuer's keys: %v", err)
	}
	if err := srv.TrustIssuer(w.Issuer, keys); err != nil {
		t.Fatalf("acctest: trust issuer %s: %v", w.Issuer, err)
	}

	create := serviceprincipals.NewServicePrincipalsServiceCreateWorkloadIdentityProviderParams()
	create.ParentResourceName = "iam/project/" + srv.ProjectID() + "/service-principal/" + principal.Name
	create.Body.Name = RandomName("wip")
	create.Body.Provider = &iammodels.HashicorpCloudIamWorkloadIdentityProvider{
		ConditionalAccess: conditionalAccess,
		OidcConfig:        &iammodels.HashicorpCloudIamOIDCWorkloadIdentityProviderConfig{IssuerURI: w.Issuer, AllowedAudiences: audiences},
	}
	made, err := serviceprincipals.New(adminTransport(t), nil).ServicePrincipalsServiceCreateWorkloadIdentityProvider(create, nil)
	if err != nil {
		t.Fatalf("acctest: create a workload identity provider for %q: %v", principal.Name, err)
	}
	w.ResourceName = made.GetPayload().Provider.ResourceName
	w.Audience = w.ResourceName
	if len(audiences) > 0 {
		w.Audience = audiences[0]
	}
	return w
}

// Sign returns a token of the issuer with claims, which replace the
// defaults: iss, aud, a unique sub, iat now and exp in ten minutes by the
// package's clock, as a CI system issues them.
func (w *WorkloadIdentity) Sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	now := Now()
	all := map[string]any{
		"iss": w.Issuer, "aud": w.Audience, "sub": RandomName("job"),
		"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
	for k, v := range claims {
		all[k] = v
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: w.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", w.keyID))
	if err != nil {
		t.Fatalf("acctest: create a signer: %v", err)
	}
	token, err := jwt.Signed(signer).Claims(all).Serialize()
	if err != nil {
		t.Fatalf("acctest: sign a token: %v", err)
	}
	return token
}

// TokenFile writes a token signed with claims (see Sign) to a file of the
// test, as a CI job does before Terraform runs, and returns its path.
func (w *WorkloadIdentity) TokenFile(t testing.TB, claims map[string]any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(path, []byte(w.Sign(t, claims)+"\n"), 0o600); err != nil {
		t.Fatalf("acctest: write the token file: %v", err)
	}
	return path
}
