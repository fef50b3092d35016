package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps one prepared statement per query text for one *sql.DB.
// SQLite parses and plans a query each time it is prepared, and unprepared
// queries are prepared on every call: under load that parsing was the
// largest single cost of a request. database/sql prepares a cached
// statement once on each connection that runs it and reuses it after that.
//
// Statements are prepared lazily and outside transactions: preparing on the
// *sql.DB needs a free connection, and the writer has only one, which the
// transaction that first runs a query is holding. So a miss runs that query
// unprepared and notes it; the DB prepares the noted queries as soon as the
// transaction has ended (prepareWanted), and later transactions use them.
type stmtCache struct {
	db *sql.DB

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
	closed bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// lookup returns the prepared statement for query, or nil after noting that
// query should be prepared.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		return s
	}
	if !c.closed {
		c.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares the queries noted since the last call. It must
// not run inside a transaction of c.db. A query that fails to prepare is
// dropped; a later miss notes it again.
func (c *stmtCache) prepareWanted(ctx context.Context) error {
	c.mu.Lock()
	if len(c.wanted) == 0 || c.closed {
		c.mu.Unlock()
		return nil
	}
	queries := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		queries = append(queries, q)
	}
	clear(c.wanted)
	c.mu.Unlock()

	var errs []error
	for _, q := range queries {
		s, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup || c.closed {
			errs = append(errs, s.Close())
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
	return errors.Join(errs...)
}

// close closes every prepared statement; lookups miss from then on.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	clear(c.wanted)
	return errors.Join(errs...)
}

// The query helpers of Tx run a query through its prepared statement when
// there is one.

func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	if s := t.stmts.lookup(query); s != nil {
		return t.tx.Stmt(s).Query(args...)
	}
	return t.tx.Query(query, args...)
}

func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	if s := t.stmts.lookup(query); s != nil {
		return t.tx.Stmt(s).QueryRow(args...)
	}
	return t.tx.QueryRow(query, args...)
}

func (t *Tx) execResult(query string, args ...any) (sql.Result, error) {
	if s := t.stmts.lookup(query); s != nil {
		return t.tx.Stmt(s).Exec(args...)
	}
	return t.tx.Exec(query, args...)
}
