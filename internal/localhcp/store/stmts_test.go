package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

const metaQuery = `SELECT value FROM meta WHERE key = ?`

func (c *stmtCache) has(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.stmts[query]
	return ok
}

func TestQueriesArePreparedOnceAndReused(t *testing.T) {
	t.Parallel()
	for name, dir := range map[string]string{"memory": "", "file": t.TempDir()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()

			if err := db.UpdateTx(ctx, func(tx *Tx) error { return tx.SetMeta("k", "v1") }); err != nil {
				t.Fatal(err)
			}
			// The first run of a query is unprepared; once its transaction
			// ends the query is prepared for the next ones.
			if db.readerStmts.has(metaQuery) {
				t.Fatal("a query nobody ran is prepared")
			}
			for i := range 3 {
				var got string
				if err := db.ViewTx(ctx, func(tx *Tx) error {
					var err error
					got, err = tx.Meta("k")
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if got != "v1" {
					t.Fatalf("read %d = %q, want v1", i, got)
				}
				if !db.readerStmts.has(metaQuery) {
					t.Fatalf("after read %d the query is not prepared", i)
				}
			}
			// A prepared write on the single writer connection, twice in
			// one transaction, neither deadlocks nor loses the change.
			for _, v := range []string{"v2", "v3"} {
				if err := db.UpdateTx(ctx, func(tx *Tx) error {
					if err := tx.SetMeta("k", "x"); err != nil {
						return err
					}
					return tx.SetMeta("k", v)
				}); err != nil {
					t.Fatal(err)
				}
			}
			var got string
			_ = db.ViewTx(ctx, func(tx *Tx) error { got, err = tx.Meta("k"); return err })
			if got != "v3" {
				t.Fatalf("after prepared writes the value is %q, want v3", got)
			}
		})
	}
}

func TestPreparedStatementsServeConcurrentTransactions(t *testing.T) {
	t.Parallel()
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				key, val := fmt.Sprintf("w%d", w), fmt.Sprint(i)
				if err := db.UpdateTx(ctx, func(tx *Tx) error { return tx.SetMeta(key, val) }); err != nil {
					errs <- err
					return
				}
				var got string
				if err := db.ViewTx(ctx, func(tx *Tx) error { var err error; got, err = tx.Meta(key); return err }); err != nil {
					errs <- err
					return
				}
				if got != val {
					errs <- fmt.Errorf("worker %d read %q after writing %q", w, got, val)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestClosedCacheStopsPreparing(t *testing.T) {
	t.Parallel()
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if s := db.writerStmts.lookup(metaQuery); s != nil {
		t.Fatal("a closed cache handed out a statement")
	}
	if err := db.writerStmts.prepareWanted(context.Background()); err != nil {
		t.Fatalf("prepareWanted after close: %v", err)
	}
}
