package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

func TestFileDatabaseKeepsCommitsAcrossReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	err = db.UpdateTx(ctx, func(tx *Tx) error {
		if err := tx.SetMeta("k", "v"); err != nil {
			return err
		}
		if err := tx.PutToken("old", "p", "c", now.Add(-2*time.Hour)); err != nil {
			return err
		}
		if err := tx.PutToken("new", "p", "c", now.Add(time.Hour)); err != nil {
			return err
		}
		return tx.InsertBucket(&registry.Bucket{ID: "b1", ProjectID: "p", Name: "bucket", Labels: map[string]string{"a": "b"}, CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	// A failing function rolls its transaction back.
	boom := errors.New("boom")
	if err := db.UpdateTx(ctx, func(tx *Tx) error {
		if err := tx.SetMeta("k", "changed"); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.UpdateTx(ctx, func(tx *Tx) error {
		if v, err := tx.Meta("k"); err != nil || v != "v" {
			t.Errorf("meta k = %q, %v", v, err)
		}
		b, err := tx.BucketByName("p", "bucket")
		if err != nil || b.Labels["a"] != "b" || !b.CreatedAt.Equal(now) {
			t.Errorf("bucket = %+v, %v", b, err)
		}
		if _, err := tx.BucketByName("p", "other"); !errors.Is(err, registry.ErrNotFound) {
			t.Errorf("missing bucket err = %v", err)
		}
		if err := tx.DeleteTokensExpiredBefore(now.Add(-time.Hour)); err != nil {
			return err
		}
		if _, _, _, err := tx.Token("old"); !errors.Is(err, registry.ErrNotFound) {
			t.Errorf("expired token still stored: %v", err)
		}
		if p, c, exp, err := tx.Token("new"); err != nil || p != "p" || c != "c" || !exp.Equal(now.Add(time.Hour)) {
			t.Errorf("token = %q %v %v", p, exp, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDatabaseFileIsPrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.UpdateTx(context.Background(), func(tx *Tx) error { return tx.SetMeta("k", "v") }); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{FileName, FileName + "-wal"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want owner-only", name, perm)
		}
	}
}
