package store

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Project is a seeded resource-manager project.
type Project struct {
	ID          string
	Name        string
	Description string
	CreatedAt   time.Time
}

// Principal is a seeded principal as the command line and the options
// configure it: an organization service principal with one key, whose
// secret is kept so that `localhcp env` can print it, and one role on the
// organization ("viewer", "contributor", "admin" or "owner").
type Principal struct {
	ID           string
	Name         string
	ClientID     string
	ClientSecret string
	Role         string
}

// ServicePrincipal is a service principal of the organization
// (ProjectID "") or of one project.
type ServicePrincipal struct {
	ID        string
	Name      string
	ProjectID string
	CreatedAt time.Time
	// Seeded principals come from the options or the principals file and
	// are replaced when those change.
	Seeded bool
}

// Key is a service principal's client credential. Secret is kept only for
// seeded principals' keys; every other key keeps SecretHash alone.
type Key struct {
	ClientID    string
	KeyID       string
	PrincipalID string
	Secret      string
	SecretHash  string
	CreatedAt   time.Time
}

// Binding grants a role on a resource to a member.
type Binding struct {
	Resource   string
	RoleID     string
	MemberID   string
	MemberType string
}

// Meta returns a value of the meta table, or "" when the key is absent.
func (t *Tx) Meta(key string) (string, error) {
	var v string
	err := t.queryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta stores a value in the meta table.
func (t *Tx) SetMeta(key, value string) error {
	return t.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
}

// Projects lists the projects, oldest first.
func (t *Tx) Projects() ([]Project, error) {
	rows, err := t.query(`SELECT id, name, description, created_at FROM projects ORDER BY created_at, id`)
	return collect(rows, err, func(s scanner) (*Project, error) {
		var p Project
		var created int64
		if err := s.Scan(&p.ID, &p.Name, &p.Description, &created); err != nil {
			return nil, err
		}
		p.CreatedAt = fromMS(created)
		return &p, nil
	})
}

// InsertProject stores a project.
func (t *Tx) InsertProject(p *Project) error {
	return t.exec(`INSERT INTO projects (id, name, description, created_at) VALUES (?, ?, ?, ?)`,
		p.ID, p.Name, p.Description, ms(p.CreatedAt))
}

const spColumns = `id, name, project_id, created_at, seeded`

func scanServicePrincipal(s scanner) (*ServicePrincipal, error) {
	var p ServicePrincipal
	var created int64
	var seeded int
	if err := s.Scan(&p.ID, &p.Name, &p.ProjectID, &created, &seeded); err != nil {
		return nil, err
	}
	p.CreatedAt, p.Seeded = fromMS(created), seeded == 1
	return &p, nil
}

// ServicePrincipals lists every service principal: the seeded ones first,
// in the order they were configured, then the others oldest first.
func (t *Tx) ServicePrincipals() ([]ServicePrincipal, error) {
	rows, err := t.query(`SELECT ` + spColumns + ` FROM service_principals ORDER BY seeded DESC, position, created_at, id`)
	return collect(rows, err, scanServicePrincipal)
}

// ServicePrincipalByName returns the principal named name in a project
// (or the organization, for ""), or registry.ErrNotFound.
func (t *Tx) ServicePrincipalByName(projectID, name string) (*ServicePrincipal, error) {
	p, err := scanServicePrincipal(t.queryRow(`SELECT `+spColumns+` FROM service_principals WHERE project_id = ? AND name = ?`, projectID, name))
	return p, notFound(err)
}

// InsertServicePrincipal stores a new, not seeded, service principal.
func (t *Tx) InsertServicePrincipal(p *ServicePrincipal) error {
	return t.exec(`INSERT INTO service_principals (id, name, project_id, created_at, seeded, position) VALUES (?, ?, ?, ?, 0, 0)`,
		p.ID, p.Name, p.ProjectID, ms(p.CreatedAt))
}

// DeleteServicePrincipal removes a principal with its keys, its workload
// identity providers, every token issued to it and its bindings, or
// answers registry.ErrNotFound.
func (t *Tx) DeleteServicePrincipal(id string) error {
	if err := t.execOne(`DELETE FROM service_principals WHERE id = ?`, id); err != nil {
		return err
	}
	if err := t.exec(`DELETE FROM tokens WHERE principal_id = ?`, id); err != nil {
		return err
	}
	return t.exec(`DELETE FROM iam_bindings WHERE member_id = ?`, id)
}

const keyColumns = `client_id, key_id, principal_id, secret, secret_hash, created_at`

func scanKey(s scanner) (*Key, error) {
	var k Key
	var created int64
	if err := s.Scan(&k.ClientID, &k.KeyID, &k.PrincipalID, &k.Secret, &k.SecretHash, &created); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMS(created)
	return &k, nil
}

// Keys lists every key, oldest first.
func (t *Tx) Keys() ([]Key, error) {
	rows, err := t.query(`SELECT ` + keyColumns + ` FROM principal_keys ORDER BY created_at, client_id`)
	return collect(rows, err, scanKey)
}

// KeysOf lists a principal's keys, oldest first.
func (t *Tx) KeysOf(principalID string) ([]Key, error) {
	rows, err := t.query(`SELECT `+keyColumns+` FROM principal_keys WHERE principal_id = ? ORDER BY created_at, client_id`, principalID)
	return collect(rows, err, scanKey)
}

// InsertKey stores a key.
func (t *Tx) InsertKey(k *Key) error {
	return t.exec(`INSERT INTO principal_keys (`+keyColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ClientID, k.KeyID, k.PrincipalID, k.Secret, k.SecretHash, ms(k.CreatedAt))
}

// DeleteKey removes a principal's key and the tokens it was issued, or
// answers registry.ErrNotFound.
func (t *Tx) DeleteKey(principalID, keyID string) error {
	var clientID string
	err := t.queryRow(`SELECT client_id FROM principal_keys WHERE principal_id = ? AND key_id = ?`, principalID, keyID).Scan(&clientID)
	if err != nil {
		return notFound(err)
	}
	if err := t.exec(`DELETE FROM principal_keys WHERE client_id = ?`, clientID); err != nil {
		return err
	}
	return t.exec(`DELETE FROM tokens WHERE client_id = ?`, clientID)
}

// Principals lists the seeded principals in the order they were
// configured, each with its first key and its role on the organization
// (the highest, when it has several; "" for none).
func (t *Tx) Principals() ([]Principal, error) {
	rows, err := t.query(`SELECT p.id, p.name, COALESCE(k.client_id, ''), COALESCE(k.secret, ''),
			COALESCE((SELECT substr(b.role_id, 7) FROM iam_bindings b WHERE b.resource LIKE 'organization/%' AND b.member_id = p.id
				ORDER BY CASE b.role_id WHEN 'roles/owner' THEN 4 WHEN 'roles/admin' THEN 3 WHEN 'roles/contributor' THEN 2
					WHEN 'roles/viewer' THEN 1 ELSE 0 END DESC LIMIT 1), '')
		FROM service_principals p
		LEFT JOIN principal_keys k ON k.client_id = (SELECT client_id FROM principal_keys WHERE principal_id = p.id ORDER BY created_at, client_id LIMIT 1)
		WHERE p.seeded = 1 ORDER BY p.position`)
	return collect(rows, err, func(s scanner) (*Principal, error) {
		var p Principal
		if err := s.Scan(&p.ID, &p.Name, &p.ClientID, &p.ClientSecret, &p.Role); err != nil {
			return nil, err
		}
		return &p, nil
	})
}

// ReplacePrincipals swaps the seeded principals for ps, each an
// organization principal with one key and role ps[i].Role on organization
// resource orgResource, and drops the tokens and bindings of principals
// that no longer exist. Principals made through the API stay.
func (t *Tx) ReplacePrincipals(orgResource string, ps []Principal, now time.Time) error {
	if err := t.exec(`DELETE FROM iam_bindings WHERE resource = ? AND member_id IN (SELECT id FROM service_principals WHERE seeded = 1)`, orgResource); err != nil {
		return err
	}
	if err := t.exec(`DELETE FROM service_principals WHERE seeded = 1`); err != nil {
		return err
	}
	for i, p := range ps {
		if err := t.exec(`INSERT INTO service_principals (id, name, project_id, created_at, seeded, position) VALUES (?, ?, '', ?, 1, ?)`,
			p.ID, p.Name, ms(now), i); err != nil {
			return fmt.Errorf("principal %q: %w", p.Name, err)
		}
		k := Key{ClientID: p.ClientID, KeyID: seedKeyID(p.ClientID), PrincipalID: p.ID, Secret: p.ClientSecret, CreatedAt: now}
		if err := t.InsertKey(&k); err != nil {
			return fmt.Errorf("principal %q: %w", p.Name, err)
		}
		if err := t.exec(`INSERT INTO iam_bindings (resource, role_id, member_id, member_type) VALUES (?, ?, ?, 'SERVICE_PRINCIPAL')`,
			orgResource, "roles/"+p.Role, p.ID); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`DELETE FROM tokens WHERE principal_id NOT IN (SELECT id FROM service_principals)`,
		`DELETE FROM tokens WHERE client_id <> '' AND client_id NOT LIKE '` + workloadClientPrefix + `%' AND client_id NOT IN (SELECT client_id FROM principal_keys)`,
		`DELETE FROM tokens WHERE client_id LIKE '` + workloadClientPrefix + `%' AND client_id NOT IN (SELECT '` + workloadClientPrefix + `' || id FROM workload_identity_providers)`,
		`DELETE FROM iam_bindings WHERE member_id NOT IN (SELECT id FROM service_principals)`,
	} {
		if err := t.exec(q); err != nil {
			return err
		}
	}
	return t.BumpPolicy(orgResource)
}

// seedKeyID is the key id of a seeded principal's key: stable for a client
// id, so a restart with the same principals file names the same key.
func seedKeyID(clientID string) string {
	sum := sha256.Sum256([]byte(clientID))
	return strings.ToUpper(hex.EncodeToString(sum[:5]))
}

// Bindings lists every binding.
func (t *Tx) Bindings() ([]Binding, error) {
	rows, err := t.query(`SELECT resource, role_id, member_id, member_type FROM iam_bindings ORDER BY resource, role_id, member_id`)
	return collect(rows, err, scanBinding)
}

// BindingsOn lists the bindings of one resource, by role and member.
func (t *Tx) BindingsOn(resource string) ([]Binding, error) {
	rows, err := t.query(`SELECT resource, role_id, member_id, member_type FROM iam_bindings WHERE resource = ? ORDER BY role_id, member_id`, resource)
	return collect(rows, err, scanBinding)
}

func scanBinding(s scanner) (*Binding, error) {
	var b Binding
	if err := s.Scan(&b.Resource, &b.RoleID, &b.MemberID, &b.MemberType); err != nil {
		return nil, err
	}
	return &b, nil
}

// PolicyVersion counts the changes of a resource's policy: 0 before the
// first.
func (t *Tx) PolicyVersion(resource string) (int64, error) {
	var v int64
	err := t.queryRow(`SELECT version FROM iam_policies WHERE resource = ?`, resource).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// BumpPolicy counts one change of a resource's policy.
func (t *Tx) BumpPolicy(resource string) error {
	return t.exec(`INSERT INTO iam_policies (resource, version) VALUES (?, 1) ON CONFLICT (resource) DO UPDATE SET version = version + 1`, resource)
}

// ReplaceBindings sets a resource's bindings to bs and counts the change.
func (t *Tx) ReplaceBindings(resource string, bs []Binding) error {
	if err := t.exec(`DELETE FROM iam_bindings WHERE resource = ?`, resource); err != nil {
		return err
	}
	for _, b := range bs {
		if err := t.exec(`INSERT OR IGNORE INTO iam_bindings (resource, role_id, member_id, member_type) VALUES (?, ?, ?, ?)`,
			resource, b.RoleID, b.MemberID, b.MemberType); err != nil {
			return err
		}
	}
	return t.BumpPolicy(resource)
}

// PutToken records an access token issued to the key clientID of a
// principal, by the token's hash.
func (t *Tx) PutToken(hash, principalID, clientID string, expiresAt time.Time) error {
	return t.exec(`INSERT INTO tokens (hash, principal_id, client_id, expires_at) VALUES (?, ?, ?, ?)`, hash, principalID, clientID, ms(expiresAt))
}

// Token returns the principal, key and expiry of a token hash, or
// registry.ErrNotFound.
func (t *Tx) Token(hash string) (principalID, clientID string, expiresAt time.Time, err error) {
	var exp int64
	err = t.queryRow(`SELECT principal_id, client_id, expires_at FROM tokens WHERE hash = ?`, hash).Scan(&principalID, &clientID, &exp)
	if err != nil {
		return "", "", time.Time{}, notFound(err)
	}
	return principalID, clientID, fromMS(exp), nil
}

// DeleteTokensExpiredBefore forgets tokens that expired before t.
func (t *Tx) DeleteTokensExpiredBefore(before time.Time) error {
	return t.exec(`DELETE FROM tokens WHERE expires_at < ?`, ms(before))
}
