package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// A statement the cache does not keep (another caller prepared the same
// query first) is closed without the cache's lock held: closing waits for
// the connection it was prepared on, which a transaction may be using, on
// PostgreSQL waiting on a lock whose holder's next statement must look
// itself up in the cache. With the close under the lock the three waited
// for each other until a statement timeout.
func TestADuplicateStatementIsClosedWithoutHoldingTheCache(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const q = "SELECT 1"
	first, err := db.Prepare(q)
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.Prepare(q)
	if err != nil {
		t.Fatal(err)
	}
	c := newStmtCache(db)
	defer c.close()
	if st, err := c.keep(q, first); st != first || err != nil {
		t.Fatalf("keep the first: %v, %v", st, err)
	}
	closing, release := make(chan struct{}), make(chan struct{})
	c.closeStmt = func(st *sql.Stmt) error {
		close(closing)
		<-release // as a close waits for a busy connection
		return st.Close()
	}
	kept := make(chan *sql.Stmt, 1)
	go func() {
		st, _ := c.keep(q, second)
		kept <- st
	}()
	select {
	case <-closing:
	case <-time.After(5 * time.Second):
		t.Fatal("the duplicate was never closed")
	}
	looked := make(chan *sql.Stmt, 1)
	go func() { looked <- c.lookup(q) }()
	select {
	case st := <-looked:
		if st != first {
			t.Errorf("look-up found %p, want the first statement %p", st, first)
		}
	case <-time.After(2 * time.Second): // held for ever before
		t.Error("a look-up waited for the duplicate statement to close")
	}
	c.closeStmt = (*sql.Stmt).Close
	close(release)
	if st := <-kept; st != first {
		t.Errorf("keep of the duplicate returned %p, want the first %p", st, first)
	}
}
