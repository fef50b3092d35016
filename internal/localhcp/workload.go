package localhcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/workload"
)

// WorkloadIdentity configures workload identity federation at start
// (CONTRACT.md §14.3): the issuers whose tokens localhcp trusts, with
// their public keys, since localhcp never fetches an issuer's discovery
// document or JWKS, and providers to create or update.
type WorkloadIdentity struct {
	// Source names where the configuration came from (a file), for
	// messages; "" for options set in code.
	Source string
	// Issuers replaces every trusted issuer and its keys.
	Issuers []TrustedIssuer
	// Providers are created, or updated when they exist. Their principals
	// must exist; other providers stay as they are.
	Providers []WorkloadProvider
}

// TrustedIssuer is an OIDC issuer and its public keys.
type TrustedIssuer struct {
	Issuer string // exactly as the tokens' iss claim, https://…
	Keys   []byte // a JWKS document or PEM public keys (RSA, ECDSA, Ed25519)
}

// WorkloadProvider is an OIDC workload identity provider of a project
// service principal.
type WorkloadProvider struct {
	// ServicePrincipal is the name of a principal of the default project
	// or the resource name of a project principal.
	ServicePrincipal  string
	Name              string
	Issuer            string
	AllowedAudiences  []string // empty: the provider's resource name
	ConditionalAccess string
	Description       string
}

// workloadFile is the JSON of `localhcp serve --workload-identity FILE`.
type workloadFile struct {
	Issuers []struct {
		Issuer        string `json:"issuer"`
		JWKSFile      string `json:"jwks_file"`
		PublicKeyFile string `json:"public_key_file"`
	} `json:"issuers"`
	Providers []struct {
		ServicePrincipal  string   `json:"service_principal"`
		Name              string   `json:"name"`
		Issuer            string   `json:"issuer"`
		AllowedAudiences  []string `json:"allowed_audiences"`
		ConditionalAccess string   `json:"conditional_access"`
		Description       string   `json:"description"`
	} `json:"providers"`
}

// ReadWorkloadIdentity reads a --workload-identity file. Key files are
// relative to the file's directory.
func ReadWorkloadIdentity(path string) (*WorkloadIdentity, error) {
	raw, err := readBounded(path)
	if err != nil {
		return nil, fmt.Errorf("workload identity file %s: %w", path, err)
	}
	var f workloadFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf(`workload identity file %s is not {"issuers": [{"issuer", "jwks_file" or "public_key_file"}], "providers": [{"service_principal", "name", "issuer", "allowed_audiences", "conditional_access", "description"}]}: %w`, path, err)
	}
	out := &WorkloadIdentity{Source: path, Issuers: []TrustedIssuer{}}
	for i, e := range f.Issuers {
		keyFile := e.JWKSFile
		if (e.JWKSFile == "") == (e.PublicKeyFile == "") {
			return nil, fmt.Errorf("workload identity file %s: issuer %d (%q): give exactly one of jwks_file and public_key_file", path, i, e.Issuer)
		}
		if keyFile == "" {
			keyFile = e.PublicKeyFile
		}
		if !filepath.IsAbs(keyFile) {
			keyFile = filepath.Join(filepath.Dir(path), keyFile)
		}
		keys, err := readBounded(keyFile)
		if err != nil {
			return nil, fmt.Errorf("workload identity file %s: issuer %d (%q): %w", path, i, e.Issuer, err)
		}
		out.Issuers = append(out.Issuers, TrustedIssuer{Issuer: e.Issuer, Keys: keys})
	}
	for _, p := range f.Providers {
		out.Providers = append(out.Providers, WorkloadProvider(p))
	}
	return out, nil
}

// readBounded reads a file of at most workload.MaxKeyBytes.
func readBounded(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, workload.MaxKeyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(raw) > workload.MaxKeyBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, workload.MaxKeyBytes)
	}
	return raw, nil
}

// seedWorkloadIdentity replaces the trusted issuers and creates or updates
// the configured providers; nil keeps what is stored.
func seedWorkloadIdentity(tx *store.Tx, wi *WorkloadIdentity, now time.Time, out *seeded) error {
	if wi == nil {
		return nil
	}
	where := "the workload identity options"
	if wi.Source != "" {
		where = "workload identity file " + wi.Source
	}
	issuers := map[string]string{}
	for i, is := range wi.Issuers {
		jwks, err := issuerKeys(is.Issuer, is.Keys)
		if err != nil {
			return fmt.Errorf("%s: issuer %d (%q): %w", where, i, is.Issuer, err)
		}
		if _, dup := issuers[is.Issuer]; dup {
			return fmt.Errorf("%s: issuer %d (%q) is listed twice: list each issuer once, with all its keys", where, i, is.Issuer)
		}
		issuers[is.Issuer] = jwks
	}
	if err := tx.ReplaceIssuers(issuers); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, p := range wi.Providers {
		rn, err := seedProvider(tx, p, issuers, now, out)
		if err != nil {
			return fmt.Errorf("%s: provider %d (%q): %w", where, i, p.Name, err)
		}
		if seen[rn] {
			return fmt.Errorf("%s: provider %d (%q) is listed twice for its service principal: give each provider once", where, i, p.Name)
		}
		seen[rn] = true
	}
	return nil
}

func seedProvider(tx *store.Tx, p WorkloadProvider, issuers map[string]string, now time.Time, out *seeded) (string, error) {
	if err := iam.CheckProviderName(p.Name); err != nil {
		return "", err
	}
	cfg := workload.Config{Description: p.Description, ConditionalAccess: p.ConditionalAccess, IssuerURI: p.Issuer, AllowedAudiences: p.AllowedAudiences}
	if err := cfg.Check(false); err != nil {
		return "", err
	}
	if _, ok := issuers[p.Issuer]; !ok && p.Issuer != BuiltinIssuer {
		return "", fmt.Errorf("issuer %q is not among the issuers: list it with its keys", p.Issuer)
	}
	sp, principalName, err := seededProviderPrincipal(tx, p.ServicePrincipal, out)
	if err != nil {
		return "", err
	}
	wip, err := tx.WorkloadIdentityProviderByName(sp.ID, p.Name)
	if errors.Is(err, registry.ErrNotFound) {
		wip, err = &store.WorkloadIdentityProvider{ID: uuid.NewString(), PrincipalID: sp.ID, Name: p.Name, CreatedAt: now}, nil
	}
	if err != nil {
		return "", err
	}
	wip.Description, wip.ConditionalAccess, wip.IssuerURI, wip.AllowedAudiences, wip.AWSAccountID = cfg.Description, cfg.ConditionalAccess, cfg.IssuerURI, cfg.AllowedAudiences, ""
	wip.UpdatedAt = now
	return iam.ProviderName(principalName, p.Name), tx.PutWorkloadIdentityProvider(wip)
}

// seededProviderPrincipal finds a provider's project principal by its name
// in the default project or by its resource name.
func seededProviderPrincipal(tx *store.Tx, ref string, out *seeded) (*store.ServicePrincipal, string, error) {
	parent := iam.Parent{OrganizationID: out.org.ID, ProjectID: out.defaultProjectID}
	name := ref
	if strings.Contains(ref, "/") {
		n, ok := iam.ParseName(ref)
		if !ok || n.KeyID != "" || n.Parent.ProjectID == "" {
			return nil, "", fmt.Errorf("service_principal %q is invalid: give a project principal's name or its resource name iam/project/<project id>/service-principal/<name>", ref)
		}
		parent.ProjectID, name = n.Parent.ProjectID, n.Name
	}
	principalName := iam.PrincipalName(parent, name)
	sp, err := tx.ServicePrincipalByName(parent.ProjectID, name)
	if errors.Is(err, registry.ErrNotFound) {
		return nil, "", fmt.Errorf("service principal %q does not exist: create it first (localhcp principals add --name %s), then start again", principalName, name)
	}
	return sp, principalName, err
}

// issuerKeys checks an issuer and its keys and answers them as the JWKS
// document localhcp stores. The built-in issuer is refused: its key is
// localhcp's own (CONTRACT.md §14.3).
func issuerKeys(issuer string, keys []byte) (string, error) {
	if err := workload.CheckIssuer(issuer); err != nil {
		return "", err
	}
	if issuer == BuiltinIssuer {
		return "", fmt.Errorf("this is localhcp's built-in test issuer, always trusted with the key localhcp keeps in its data directory (%s): leave it out, and mint its tokens with `localhcp oidc-token`", OIDCKeyFileName)
	}
	set, err := workload.ParseKeys(keys)
	if err != nil {
		return "", err
	}
	doc, err := json.Marshal(set)
	if err != nil {
		return "", fmt.Errorf("encode the keys: %w", err)
	}
	return string(doc), nil
}

// TrustIssuer replaces the keys localhcp trusts for an OIDC issuer: keys is
// a JWKS document or PEM public keys (RSA, ECDSA or Ed25519). It persists
// like the rest of the server's state; the next token exchange uses it.
func (s *Server) TrustIssuer(issuerURI string, keys []byte) error {
	jwks, err := issuerKeys(issuerURI, keys)
	if err != nil {
		return fmt.Errorf("trust issuer %q: %w", issuerURI, err)
	}
	return s.db.UpdateTx(context.Background(), func(tx *store.Tx) error { return tx.PutIssuerKeys(issuerURI, jwks) })
}
