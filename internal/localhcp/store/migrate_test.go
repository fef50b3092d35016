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
