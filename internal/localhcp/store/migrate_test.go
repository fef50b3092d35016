package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// A database written before versions kept their own revocation apart gets
// the columns on open, and a manual revocation recorded then becomes the
// version's own, passing to descendants when one inherited it.
func TestOpenAddsOwnRevocationToAnOlderDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	at := time.Date(2030, 1, 1, 1, 0, 0, 0, time.UTC)
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = db.UpdateTx(ctx, func(tx *Tx) error {
		if err := tx.InsertBucket(&registry.Bucket{ID: "b", ProjectID: "p", Name: "base", Labels: map[string]string{}}); err != nil {
			return err
		}
		for _, v := range []*registry.Version{
			{ID: "parent", BucketID: "b", Fingerprint: "parent", Number: 1, RevokeAt: &at, RevocationType: registry.RevocationManual,
				RevocationMessage: "cve", RevocationAuthor: "alice", UpdatedAt: at.Add(-time.Hour)},
			{ID: "child", BucketID: "b", Fingerprint: "child", Number: 2, RevokeAt: &at, RevocationType: registry.RevocationInherited,
				RevocationInheritedFrom: "parent", RevocationAuthor: "alice"},
			{ID: "alone", BucketID: "b", Fingerprint: "alone", Number: 3, RevokeAt: &at, RevocationType: registry.RevocationManual, UpdatedAt: at},
		} {
			if err := tx.InsertVersion(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE versions DROP COLUMN own_revocation`, `ALTER TABLE versions DROP COLUMN restored_at`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(rtx registry.Tx) error {
		want := map[string]*registry.OwnRevocation{
			"parent": {At: at, Message: "cve", Author: "alice", Descendants: true, RequestedAt: at.Add(-time.Hour)},
			"child":  nil,
			"alone":  {At: at, RequestedAt: at},
		}
		for id, w := range want {
			v, err := rtx.VersionByID(id)
			if err != nil {
				return err
			}
			switch {
			case w == nil && v.Own != nil, w != nil && (v.Own == nil || *v.Own != *w):
				t.Errorf("%s: own revocation %+v, want %+v", id, v.Own, w)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A database made before service principals had tables of their own keeps
// its principals on open: each becomes a seeded organization principal with
// its client id and secret as its key and its role bound on the
// organization, and its tokens stay valid.
func TestOpenMovesPrincipalsOfAnOlderDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
		`INSERT INTO meta VALUES ('organization_id', 'org-1')`,
		`CREATE TABLE principals (id TEXT PRIMARY KEY, name TEXT NOT NULL, client_id TEXT NOT NULL UNIQUE,
			client_secret TEXT NOT NULL, role TEXT NOT NULL, position INTEGER NOT NULL)`,
		`INSERT INTO principals VALUES ('ci-1', 'ci', 'localhcp-ci', 's3cret', 'contributor', 0), ('ro-1', 'ro', 'localhcp-ro', 'r3ad', 'viewer', 1)`,
		`CREATE TABLE tokens (hash TEXT PRIMARY KEY, principal_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
		`INSERT INTO tokens VALUES ('h', 'ci-1', 4102444800000)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.ViewTx(context.Background(), func(tx *Tx) error {
		ps, err := tx.Principals()
		if err != nil {
			return err
		}
		want := []Principal{
			{ID: "ci-1", Name: "ci", ClientID: "localhcp-ci", ClientSecret: "s3cret", Role: "contributor"},
			{ID: "ro-1", Name: "ro", ClientID: "localhcp-ro", ClientSecret: "r3ad", Role: "viewer"},
		}
		if len(ps) != 2 || ps[0] != want[0] || ps[1] != want[1] {
			t.Errorf("principals %+v, want %+v", ps, want)
		}
		sps, err := tx.ServicePrincipals()
		if err != nil {
			return err
		}
		if len(sps) != 2 || !sps[0].Seeded || sps[0].ProjectID != "" {
			t.Errorf("service principals %+v, want two seeded organization principals", sps)
		}
		id, clientID, _, err := tx.Token("h")
		if err != nil || id != "ci-1" || clientID != "" {
			t.Errorf("token: %q %q %v, want it kept for ci-1 with no key named", id, clientID, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
