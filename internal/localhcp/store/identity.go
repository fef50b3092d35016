package store

import (
	"database/sql"
	"errors"
	"time"
)

// Project is a seeded resource-manager project.
type Project struct {
	ID          string
	Name        string
	Description string
	CreatedAt   time.Time
}

// Principal is a stored service principal with its credentials.
type Principal struct {
	ID           string
	Name         string
	ClientID     string
	ClientSecret string
	Role         string
}

// Meta returns a value of the meta table, or "" when the key is absent.
func (t *Tx) Meta(key string) (string, error) {
	var v string
	err := t.tx.QueryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
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
	rows, err := t.tx.Query(`SELECT id, name, description, created_at FROM projects ORDER BY created_at, id`)
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

// Principals lists the principals in the order they were configured.
func (t *Tx) Principals() ([]Principal, error) {
	rows, err := t.tx.Query(`SELECT id, name, client_id, client_secret, role FROM principals ORDER BY position`)
	return collect(rows, err, func(s scanner) (*Principal, error) {
		var p Principal
		if err := s.Scan(&p.ID, &p.Name, &p.ClientID, &p.ClientSecret, &p.Role); err != nil {
			return nil, err
		}
		return &p, nil
	})
}

// ReplacePrincipals swaps the stored principals for ps and drops the tokens
// of principals that no longer exist.
func (t *Tx) ReplacePrincipals(ps []Principal) error {
	if err := t.exec(`DELETE FROM principals`); err != nil {
		return err
	}
	for i, p := range ps {
		if err := t.exec(`INSERT INTO principals (id, name, client_id, client_secret, role, position) VALUES (?, ?, ?, ?, ?, ?)`,
			p.ID, p.Name, p.ClientID, p.ClientSecret, p.Role, i); err != nil {
			return err
		}
	}
	return t.exec(`DELETE FROM tokens WHERE principal_id NOT IN (SELECT id FROM principals)`)
}

// PutToken records an issued access token by its hash.
func (t *Tx) PutToken(hash, principalID string, expiresAt time.Time) error {
	return t.exec(`INSERT INTO tokens (hash, principal_id, expires_at) VALUES (?, ?, ?)`, hash, principalID, ms(expiresAt))
}

// Token returns the principal and expiry of a token hash, or
// registry.ErrNotFound.
func (t *Tx) Token(hash string) (principalID string, expiresAt time.Time, err error) {
	var exp int64
	err = t.tx.QueryRow(`SELECT principal_id, expires_at FROM tokens WHERE hash = ?`, hash).Scan(&principalID, &exp)
	if err != nil {
		return "", time.Time{}, notFound(err)
	}
	return principalID, fromMS(exp), nil
}

// DeleteTokensExpiredBefore forgets tokens that expired before t.
func (t *Tx) DeleteTokensExpiredBefore(before time.Time) error {
	return t.exec(`DELETE FROM tokens WHERE expires_at < ?`, ms(before))
}
