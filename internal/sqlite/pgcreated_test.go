package sqlite_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A COACHLOG_DB whose database name or search_path is mistyped names a
// place with no Coachlog tables, where an open created new, empty ones
// without a word (a missing SQLite file is warned of at start). The
// store says where it created them, database and schema, and only the
// one of several processes starting at once that created them says so;
// an open that finds them says nothing.
func TestPostgresSaysWhereItCreatedTheTables(t *testing.T) {
	if sqlitetest.PostgresURL() == "" {
		t.Skip(sqlitetest.PostgresEnv + " not set")
	}
	base, err := url.Parse(sqlitetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		// place returns COACHLOG_DB and the database and schema it names.
		place func(t *testing.T) (db, database, schema string)
	}{
		{"a schema that does not exist", func(t *testing.T) (string, string, string) {
			db, schema := sqlitetest.PostgresNoSchema(t)
			return db, strings.TrimPrefix(base.Path, "/"), schema
		}},
		{"an empty schema", func(t *testing.T) (string, string, string) {
			db := sqlitetest.PostgresDB(t)
			u, err := url.Parse(db)
			if err != nil {
				t.Fatal(err)
			}
			return db, strings.TrimPrefix(base.Path, "/"), u.Query().Get("search_path")
		}},
		{"a new database, without search_path", func(t *testing.T) (string, string, string) {
			database := newPostgresDatabase(t)
			u := *base
			u.Path = "/" + database
			return u.String(), database, "public"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, database, schema := tc.place(t)
			stores := make([]*sqlite.Store, 3)
			errs := make([]error, len(stores))
			var wg sync.WaitGroup
			for i := range stores {
				wg.Go(func() { stores[i], errs[i] = sqlite.Open(context.Background(), db, sqlite.Options{}) })
			}
			wg.Wait()
			var created []sqlite.NewTables
			for i, st := range stores {
				if errs[i] != nil {
					t.Fatalf("open %d: %v", i, errs[i])
				}
				if c := st.CreatedTables(); c != nil {
					created = append(created, *c)
				}
				st.Close()
			}
			if want := (sqlite.NewTables{Database: database, Schema: schema}); len(created) != 1 || created[0] != want {
				t.Fatalf("of three opens at once, %d said they created the tables (%+v); want one, saying %+v", len(created), created, want)
			}
			if again := open(t, db, sqlite.Options{}).CreatedTables(); again != nil {
				t.Errorf("an open that found the tables said it created them in %+v", again)
			}
		})
	}
	if c := open(t, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{}).CreatedTables(); c != nil {
		t.Errorf("a new SQLite file said %+v; serve warns of it by its absence before the open", c)
	}
}

// newPostgresDatabase creates a database of its own on the server under
// test, dropped (its connections ended) when the test ends, and returns
// its name.
func newPostgresDatabase(t *testing.T) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", sqlitetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		admin.Close()
		t.Fatalf("create a database for the test: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return name
}

// Replicas starting together on a URL whose search_path names a schema
// not there yet all open: one creates the schema, and another, which
// found no current schema just before, then found it there, and took it
// for a schema its role may not use ("run GRANT USAGE, CREATE ON SCHEMA
// … as its owner"), and did not start. The race is a matter of timing:
// five rounds of twelve failed every run of five before the fix, three
// rounds half of them.
func TestPostgresOpensTogetherOnANewSchemaAllOpen(t *testing.T) {
	if sqlitetest.PostgresURL() == "" {
		t.Skip(sqlitetest.PostgresEnv + " not set")
	}
	for round := range 5 {
		db, _ := sqlitetest.PostgresNoSchema(t)
		errs := make([]error, 12)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				st, err := sqlite.Open(context.Background(), db, sqlite.Options{})
				if err == nil {
					st.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, open %d of twelve at once: %v", round, i, err)
			}
		}
	}
}
