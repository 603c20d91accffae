package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
)

// stmtCache prepares each query once per database handle. Without it every
// statement is parsed by SQLite on every call, which was the largest single
// cost of logging a session.
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool // first seen inside a transaction; prepared after it
	// closeStmt closes a statement the cache does not keep; a test holds
	// it to see that nothing waits for it.
	closeStmt func(*sql.Stmt) error
	// unprepared counts the statements run inside a transaction without a
	// prepared statement, each parsed by SQLite there and then.
	unprepared atomic.Int64
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}, closeStmt: (*sql.Stmt).Close}
}

func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// get returns the prepared statement for query, preparing it if needed.
// The lock is not held while preparing: that waits for a connection, which
// a transaction may hold while it looks up its own statements.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.lookup(query); st != nil {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return c.keep(query, st)
}

// keep caches st as query's statement, unless another caller prepared it
// first: then st is closed and the one cached returned. The lock is not
// held while closing either. Closing waits for the connection st was
// prepared on, which a transaction may be using; on PostgreSQL that
// transaction may wait on a lock (a submission key) whose holder's next
// statement looks itself up here: closed under the lock, the three waited
// for each other until a statement timeout (seen in CI: every writer
// idle, two minutes).
func (c *stmtCache) keep(query string, st *sql.Stmt) (*sql.Stmt, error) {
	c.mu.Lock()
	have, ok := c.m[query]
	closed := c.m == nil
	if !ok && !closed {
		c.m[query] = st
	}
	c.mu.Unlock()
	switch {
	case ok:
		c.closeStmt(st) //nolint:errcheck // a duplicate: the cached one serves
		return have, nil
	case closed:
		c.closeStmt(st) //nolint:errcheck // the store is closing
		return nil, errCacheClosed
	}
	return st, nil
}

var errCacheClosed = errors.New("statement cache closed")

// hasWanted reports whether a transaction met a query not yet prepared.
func (c *stmtCache) hasWanted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.wanted) > 0
}

// want notes a query met inside a transaction. Preparing it there would
// need a second writer connection, and there is only one.
func (c *stmtCache) want(query string) {
	c.mu.Lock()
	c.wanted[query] = true
	c.mu.Unlock()
}

// prepareWanted prepares the queries noted by want, once the transaction
// has given its connection back.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	var qs []string
	for q := range c.wanted {
		qs = append(qs, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range qs {
		if _, err := c.get(ctx, q); err != nil && ctx.Err() != nil {
			c.want(q) // cut short (a locked table): wanted again after a later write
		}
		// Any other failure leaves it unprepared; it still runs.
	}
}

// prepare prepares queries ahead of a transaction that runs them many
// times: inside it, a query met the first time runs unprepared on every
// call, and a command such as an import runs its transaction once. A
// query that fails to prepare is left to fail, or run, in the
// transaction. A read-only store has no writer's cache: nothing to do.
func (c *stmtCache) prepare(ctx context.Context, queries ...string) {
	if c == nil {
		return
	}
	for _, q := range queries {
		_, _ = c.get(ctx, q)
	}
}

// close closes every cached statement, outside the lock (see keep).
func (c *stmtCache) close() {
	c.mu.Lock()
	m := c.m
	c.m = nil
	c.mu.Unlock()
	for _, st := range m {
		c.closeStmt(st) //nolint:errcheck // closing the store: nothing to tell
	}
}

// cachedDB runs queries on a pool through prepared statements, their
// text arguments without NULs (withoutNUL).
//
// A query on PostgreSQL that meets a lost connection (connLost: a backend
// the server terminated while it sat idle in the pool) is run again, on
// another connection: every query run on the pool is a read (writes run
// in transactions, or through ExecContext, which is never run again: an
// autocommitted statement may have committed before its connection was
// lost). Each failure drops its connection (connLost says how), so tries,
// one more than the pool holds, reaches a fresh connection even when the
// server ended every idle one at once (a failover, a pgbouncer restart).
type cachedDB struct {
	c     *stmtCache
	tries int // on PostgreSQL; zero on SQLite: one try
}

// again reports whether a query that failed with err on its try-th try
// (from 1) is to run again.
func (d cachedDB) again(ctx context.Context, try int, err error) bool {
	return try < d.tries && ctx.Err() == nil && connLost(err)
}

func (d cachedDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	args = withoutNUL(args)
	st, err := d.c.get(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (d cachedDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	args = withoutNUL(args)
	for try := 1; ; try++ {
		rows, err := d.query(ctx, q, args)
		if err == nil || !d.again(ctx, try, err) {
			return rows, err
		}
	}
}

func (d cachedDB) query(ctx context.Context, q string, args []any) (*sql.Rows, error) {
	st, err := d.c.get(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext's error shows in the Row before any Scan (Row.Err): pgx
// reads the first row when the query runs.
func (d cachedDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	args = withoutNUL(args)
	for try := 1; ; try++ {
		row := d.queryRow(ctx, q, args)
		if err := row.Err(); err == nil || !d.again(ctx, try, err) {
			return row
		}
	}
}

func (d cachedDB) queryRow(ctx context.Context, q string, args []any) *sql.Row {
	st, err := d.c.get(ctx, q)
	if err != nil {
		// sql.Row carries no error of its own making; run the query
		// unprepared so that the same error surfaces from Scan.
		return d.c.db.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// cachedTx runs queries in a transaction through the writer's prepared
// statements: on the single writer connection they are reused, not
// prepared again. Text arguments lose their NULs (withoutNUL).
type cachedTx struct {
	tx *sql.Tx
	c  *stmtCache
	// batch, when set, is the context every statement runs on, whatever
	// its caller passed: in a group commit the writes share one
	// connection, and a caller's deadline must not interrupt a statement
	// midway (the write is awaited once it runs, Store.Update). It has no
	// Done channel, which also spares the driver a watcher goroutine per
	// statement.
	batch context.Context
}

// on is the context a statement runs on.
func (t cachedTx) on(ctx context.Context) context.Context {
	if t.batch != nil {
		return t.batch
	}
	return ctx
}

// stmt returns the transaction's handle on q's prepared statement, or nil
// when q is not prepared yet (it then runs unprepared this once).
func (t cachedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := t.c.lookup(q); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	t.c.want(q)
	t.c.unprepared.Add(1)
	return nil
}

func (t cachedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx, args = t.on(ctx), withoutNUL(args)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t cachedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx, args = t.on(ctx), withoutNUL(args)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	ctx, args = t.on(ctx), withoutNUL(args)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}
