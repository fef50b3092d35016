// Package store keeps localhcp's state in SQLite through the pure-Go
// modernc.org/sqlite driver: a file in the data directory, or memory for
// tests. It implements registry.Store.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// FileName is the database file inside a data directory.
const FileName = "localhcp.db"

// DB is an open localhcp database.
//
// Writes go through one connection, so write transactions never contend
// for SQLite's lock; reads use their own pool and, in WAL mode, run while a
// write is in progress. An in-memory database is private to one connection,
// so there both roles share it.
type DB struct {
	writer *sql.DB
	reader *sql.DB
	// writerStmts and readerStmts are the prepared statements of each
	// (one cache when both are the same in-memory database).
	writerStmts *stmtCache
	readerStmts *stmtCache

	// generation counts the write transactions that have ended; see
	// Generation.
	generation atomic.Uint64
	// writeTurn admits one write transaction at a time, in the order they
	// arrive: database/sql hands a busy connection to waiters in no
	// particular order, which left some writes waiting far longer than
	// others under load. A channel queues its blocked senders first come,
	// first served.
	writeTurn chan struct{}
	// readTurn does the same for read transactions, with one place per
	// reader connection.
	readTurn chan struct{}
}

// readerConns is the size of the read pool of a file database.
const readerConns = 4

func newDB(writer, reader *sql.DB) *DB {
	d := &DB{writer: writer, reader: reader, writerStmts: newStmtCache(writer),
		writeTurn: make(chan struct{}, 1), readTurn: make(chan struct{}, 1)}
	d.readerStmts = d.writerStmts
	if reader != writer {
		d.readerStmts = newStmtCache(reader)
		d.readTurn = make(chan struct{}, readerConns)
	}
	return d
}

var _ registry.Store = (*DB)(nil)

// Open opens (creating if needed) the database in dir, or an in-memory one
// when dir is "".
func Open(dir string) (*DB, error) {
	if dir == "" {
		db, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
		if err != nil {
			return nil, fmt.Errorf("open in-memory database: %w", err)
		}
		db.SetMaxOpenConns(1)
		db.SetConnMaxIdleTime(0)
		db.SetConnMaxLifetime(0)
		d := newDB(db, db)
		return d, d.migrate()
	}
	path := filepath.Join(dir, FileName)
	// The database holds client secrets: create it private. SQLite gives
	// its -wal and -shm files the database file's permissions.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("restrict database %s to its owner: %w", path, err)
	}
	// synchronous(NORMAL) in WAL mode keeps every committed transaction
	// across a process crash or restart; only an OS crash could lose the
	// last commits, which is acceptable for a local test service.
	params := "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + params
	writer, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	reader, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	reader.SetMaxOpenConns(readerConns)
	d := newDB(writer, reader)
	if err := d.migrate(); err != nil {
		d.Close()
		return nil, fmt.Errorf("prepare database %s: %w (delete it to start afresh)", path, err)
	}
	return d, nil
}

func (d *DB) migrate() error {
	if _, err := d.writer.Exec(schema); err != nil {
		return err
	}
	for _, c := range columnsAdded {
		var n int
		if err := d.writer.QueryRow(`SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, c.table, c.name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := d.writer.Exec(c.add); err != nil {
			return fmt.Errorf("add column %s.%s: %w", c.table, c.name, err)
		}
		if c.backfill != "" {
			if _, err := d.writer.Exec(c.backfill); err != nil {
				return fmt.Errorf("fill column %s.%s: %w", c.table, c.name, err)
			}
		}
	}
	return d.movePrincipals()
}

// movePrincipals moves an older database's principals table into the
// service principal, key and binding tables, in one transaction.
func (d *DB) movePrincipals() error {
	var n int
	if err := d.writer.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'principals'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	tx, err := d.writer.Begin()
	if err != nil {
		return err
	}
	for _, q := range principalsBefore {
		if _, err := tx.Exec(q); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("move the principals to service principals and keys: %w", err)
		}
	}
	return tx.Commit()
}

// Close closes the database.
func (d *DB) Close() error {
	err := d.writerStmts.close()
	if d.reader != d.writer {
		err = errors.Join(err, d.readerStmts.close(), d.reader.Close())
	}
	return errors.Join(err, d.writer.Close())
}

// View runs fn in a read-only transaction.
func (d *DB) View(ctx context.Context, fn func(registry.Tx) error) error {
	return d.read(ctx, func(tx *Tx) error { return fn(tx) })
}

// Update runs fn in a write transaction and commits it before returning.
func (d *DB) Update(ctx context.Context, fn func(registry.Tx) error) error {
	return d.write(ctx, func(tx *Tx) error { return fn(tx) })
}

// ViewTx and UpdateTx are View and Update for callers that need the
// concrete *Tx (principals, keys, policies, tokens, projects).
func (d *DB) ViewTx(ctx context.Context, fn func(*Tx) error) error {
	return d.read(ctx, fn)
}

// read runs fn in a read transaction when its turn comes.
func (d *DB) read(ctx context.Context, fn func(*Tx) error) error {
	if err := takeTurn(ctx, d.readTurn); err != nil {
		return err
	}
	defer func() { <-d.readTurn }()
	return d.run(ctx, d.reader, d.readerStmts, fn)
}

// takeTurn waits for a place in turns, in arrival order.
func takeTurn(ctx context.Context, turns chan struct{}) error {
	select {
	case turns <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("begin transaction: %w", ctx.Err())
	}
}

// UpdateTx is Update with the concrete *Tx.
func (d *DB) UpdateTx(ctx context.Context, fn func(*Tx) error) error {
	return d.write(ctx, fn)
}

// write runs fn in a write transaction when its turn comes.
func (d *DB) write(ctx context.Context, fn func(*Tx) error) error {
	if err := takeTurn(ctx, d.writeTurn); err != nil {
		return err
	}
	defer func() { <-d.writeTurn }()
	defer d.generation.Add(1)
	return d.run(ctx, d.writer, d.writerStmts, fn)
}

// Generation changes after every write transaction, committed or not, and
// only then. An answer computed in transactions that all began after
// Generation returned g reflects the data as long as Generation still
// returns g: the counter moves only after a write has ended, so no read
// can see a write's effect before the counter has moved past it.
func (d *DB) Generation() uint64 { return d.generation.Load() }

// PendingRevocationAt returns the earliest revoke_at of a revocation that
// has not taken effect yet: the next moment at which answers change
// without a write. ok is false when no revocation is pending.
func (d *DB) PendingRevocationAt(ctx context.Context) (at time.Time, ok bool, err error) {
	err = d.ViewTx(ctx, func(tx *Tx) error {
		var v sql.NullInt64
		if err := tx.queryRow(`SELECT MIN(revoke_at) FROM versions WHERE revocation_applied = 0 AND revoke_at IS NOT NULL`).Scan(&v); err != nil {
			return err
		}
		if v.Valid {
			at, ok = fromMS(v.Int64), true
		}
		return nil
	})
	return at, ok, err
}

func (d *DB) run(ctx context.Context, db *sql.DB, stmts *stmtCache, fn func(*Tx) error) error {
	err := runTx(ctx, db, stmts, fn)
	// The transaction has released its connection: prepare the queries it
	// ran unprepared. A failure only means they stay unprepared for now.
	_ = stmts.prepareWanted(ctx)
	return err
}

func runTx(ctx context.Context, db *sql.DB, stmts *stmtCache, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{tx: sqlTx, stmts: stmts}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}
