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
		d := &DB{writer: db, reader: db}
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
	reader.SetMaxOpenConns(4)
	d := &DB{writer: writer, reader: reader}
	if err := d.migrate(); err != nil {
		d.Close()
		return nil, fmt.Errorf("prepare database %s: %w (delete it to start afresh)", path, err)
	}
	return d, nil
}

func (d *DB) migrate() error {
	_, err := d.writer.Exec(schema)
	return err
}

// Close closes the database.
func (d *DB) Close() error {
	err := d.writer.Close()
	if d.reader != d.writer {
		err = errors.Join(err, d.reader.Close())
	}
	return err
}

// View runs fn in a read-only transaction.
func (d *DB) View(ctx context.Context, fn func(registry.Tx) error) error {
	return d.run(ctx, d.reader, func(tx *Tx) error { return fn(tx) })
}

// Update runs fn in a write transaction and commits it before returning.
func (d *DB) Update(ctx context.Context, fn func(registry.Tx) error) error {
	return d.run(ctx, d.writer, func(tx *Tx) error { return fn(tx) })
}

// ViewTx and UpdateTx are View and Update for callers that need the
// concrete *Tx (principals, tokens, projects).
func (d *DB) ViewTx(ctx context.Context, fn func(*Tx) error) error {
	return d.run(ctx, d.reader, fn)
}

// UpdateTx is Update with the concrete *Tx.
func (d *DB) UpdateTx(ctx context.Context, fn func(*Tx) error) error {
	return d.run(ctx, d.writer, fn)
}

func (d *DB) run(ctx context.Context, db *sql.DB, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{tx: sqlTx}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}
