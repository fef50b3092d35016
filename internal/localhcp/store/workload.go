package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// WorkloadIdentityProvider lets a service principal be reached with tokens
// of an OIDC issuer (IssuerURI) or an AWS account (AWSAccountID).
type WorkloadIdentityProvider struct {
	ID                string
	PrincipalID       string
	Name              string
	Description       string
	ConditionalAccess string
	IssuerURI         string
	AllowedAudiences  []string
	AWSAccountID      string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// workloadClientPrefix marks, in the tokens table's client_id, a token
// issued through a workload identity provider rather than to a key.
const workloadClientPrefix = "wip:"

// WorkloadClientID is what the tokens table records, in place of a key's
// client id, for a token issued through a workload identity provider, so
// that deleting the provider revokes it.
func WorkloadClientID(providerID string) string { return workloadClientPrefix + providerID }

// IsWorkloadClientID reports whether a token's client id names a workload
// identity provider (WorkloadClientID) rather than a key.
func IsWorkloadClientID(clientID string) bool {
	return strings.HasPrefix(clientID, workloadClientPrefix)
}

const wipColumns = `id, principal_id, name, description, conditional_access, issuer_uri, allowed_audiences, aws_account_id, created_at, updated_at`

func scanWorkloadIdentityProvider(s scanner) (*WorkloadIdentityProvider, error) {
	var p WorkloadIdentityProvider
	var audiences string
	var created, updated int64
	if err := s.Scan(&p.ID, &p.PrincipalID, &p.Name, &p.Description, &p.ConditionalAccess, &p.IssuerURI, &audiences, &p.AWSAccountID, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(audiences), &p.AllowedAudiences); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// WorkloadIdentityProviders lists every provider.
func (t *Tx) WorkloadIdentityProviders() ([]WorkloadIdentityProvider, error) {
	rows, err := t.query(`SELECT ` + wipColumns + ` FROM workload_identity_providers ORDER BY created_at, id`)
	return collect(rows, err, scanWorkloadIdentityProvider)
}

// WorkloadIdentityProvidersOf lists a principal's providers, oldest first.
func (t *Tx) WorkloadIdentityProvidersOf(principalID string) ([]WorkloadIdentityProvider, error) {
	rows, err := t.query(`SELECT `+wipColumns+` FROM workload_identity_providers WHERE principal_id = ? ORDER BY created_at, id`, principalID)
	return collect(rows, err, scanWorkloadIdentityProvider)
}

// WorkloadIdentityProviderByName returns a principal's provider, or
// registry.ErrNotFound.
func (t *Tx) WorkloadIdentityProviderByName(principalID, name string) (*WorkloadIdentityProvider, error) {
	p, err := scanWorkloadIdentityProvider(t.queryRow(`SELECT `+wipColumns+` FROM workload_identity_providers WHERE principal_id = ? AND name = ?`, principalID, name))
	return p, notFound(err)
}

// PutWorkloadIdentityProvider stores a new provider or replaces the
// mutable fields of the one with its id.
func (t *Tx) PutWorkloadIdentityProvider(p *WorkloadIdentityProvider) error {
	audiences, err := json.Marshal(nonNil(p.AllowedAudiences))
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO workload_identity_providers (`+wipColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET description = excluded.description, conditional_access = excluded.conditional_access,
			issuer_uri = excluded.issuer_uri, allowed_audiences = excluded.allowed_audiences,
			aws_account_id = excluded.aws_account_id, updated_at = excluded.updated_at`,
		p.ID, p.PrincipalID, p.Name, p.Description, p.ConditionalAccess, p.IssuerURI, string(audiences), p.AWSAccountID, ms(p.CreatedAt), ms(p.UpdatedAt))
}

// DeleteWorkloadIdentityProvider removes a provider and the tokens issued
// through it, or answers registry.ErrNotFound.
func (t *Tx) DeleteWorkloadIdentityProvider(id string) error {
	if err := t.execOne(`DELETE FROM workload_identity_providers WHERE id = ?`, id); err != nil {
		return err
	}
	return t.exec(`DELETE FROM tokens WHERE client_id = ?`, WorkloadClientID(id))
}

// IssuerKeys returns the JWKS document localhcp trusts for an issuer, or
// "" when it trusts none.
func (t *Tx) IssuerKeys(issuer string) (string, error) {
	var jwks string
	err := t.queryRow(`SELECT jwks FROM trusted_issuers WHERE issuer = ?`, issuer).Scan(&jwks)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return jwks, err
}

// PutIssuerKeys replaces the keys trusted for an issuer.
func (t *Tx) PutIssuerKeys(issuer, jwks string) error {
	return t.exec(`INSERT INTO trusted_issuers (issuer, jwks) VALUES (?, ?) ON CONFLICT (issuer) DO UPDATE SET jwks = excluded.jwks`, issuer, jwks)
}

// ReplaceIssuers makes keys (issuer → JWKS document) the whole set of
// trusted issuers.
func (t *Tx) ReplaceIssuers(keys map[string]string) error {
	if err := t.exec(`DELETE FROM trusted_issuers`); err != nil {
		return err
	}
	for issuer, jwks := range keys {
		if err := t.PutIssuerKeys(issuer, jwks); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
