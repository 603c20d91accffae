package sqlite_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// withRole creates a login role of its own for the test (dropped when it
// ends, after what it owns) and returns spec with that role as its user.
func withRole(t *testing.T, admin *sql.DB, spec string) (string, string) {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	role := "r_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE ROLE ` + role + ` LOGIN`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// After the test's schema is dropped (cleanups run last first).
		if _, err := admin.Exec(`DROP OWNED BY ` + role); err != nil {
			t.Errorf("drop owned by %s: %v", role, err)
		}
		if _, err := admin.Exec(`DROP ROLE ` + role); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	u, err := url.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	return u.String(), role
}

func adminDB(t *testing.T) *sql.DB {
	t.Helper()
	admin, err := sql.Open("pgx", sqlitetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	return admin
}

// A schema that exists but the role may not use reads as no schema at
// all (current_schema() is NULL): the error says to grant USAGE, not to
// create a schema that is already there.
func TestASchemaTheRoleMayNotUseSaysToGrantUsage(t *testing.T) {
	spec := sqlitetest.PostgresDB(t) // the schema exists, owned by the admin
	admin := adminDB(t)
	spec, _ = withRole(t, admin, spec)
	_, err := sqlite.Open(context.Background(), spec, sqlite.Options{})
	if err == nil || !strings.Contains(err.Error(), "GRANT USAGE") || strings.Contains(err.Error(), "CREATE SCHEMA") {
		t.Fatalf("Open: %v; want it to say GRANT USAGE", err)
	}
}

// A role that may use its schema but not create in it (public on
// PostgreSQL 15, by default) got only "permission denied for schema" at
// the first start: the error names the GRANT to run.
func TestASchemaTheRoleMayNotCreateInSaysToGrantCreate(t *testing.T) {
	spec := sqlitetest.PostgresDB(t)
	admin := adminDB(t)
	spec, role := withRole(t, admin, spec)
	schema := searchPath(t, spec)
	if _, err := admin.Exec(`GRANT USAGE ON SCHEMA "` + schema + `" TO ` + role); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), spec, sqlite.Options{})
	want := `GRANT CREATE ON SCHEMA "` + schema + `" TO "` + role + `"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open: %v; want it to say %s", err, want)
	}
}

// A read-only command (export, digest --dry-run, stats) run as a role with
// no USAGE on a schema that holds Coachlog's tables said the database held
// no Coachlog data yet, and to create it: the tables are there, the role
// may not see them. It names the GRANT USAGE to run, as start-up does.
func TestAReadOnlyOpenOfASchemaTheRoleMayNotUseSaysToGrantUsage(t *testing.T) {
	spec := sqlitetest.PostgresDB(t)
	st, err := sqlite.Open(context.Background(), spec, sqlite.Options{}) // the admin creates the tables
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	admin := adminDB(t)
	spec, role := withRole(t, admin, spec)
	schema := searchPath(t, spec)
	_, err = sqlite.Open(context.Background(), spec, sqlite.Options{ReadOnly: true})
	want := `GRANT USAGE ON SCHEMA "` + schema + `" TO "` + role + `"`
	if err == nil || !strings.Contains(err.Error(), want) || errors.Is(err, sqlite.ErrNoDatabase) {
		t.Fatalf("read-only Open: %v; want it to say %s", err, want)
	}
	// With USAGE (and SELECT, as a read-only role is given) it opens.
	if _, err := admin.Exec(`GRANT USAGE ON SCHEMA "` + schema + `" TO ` + role + `; GRANT SELECT ON ALL TABLES IN SCHEMA "` + schema + `" TO ` + role); err != nil {
		t.Fatal(err)
	}
	st, err = sqlite.Open(context.Background(), spec, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open after GRANT USAGE and SELECT: %v", err)
	}
	st.Close()
}

// searchPath is the schema a test database's URL names.
func searchPath(t *testing.T, spec string) string {
	t.Helper()
	u, err := url.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

// roster import checks the database before it asks Slack (CheckWritable),
// opening it to read: on a schema the role may not use it named a
// reader's GRANT USAGE, where the import itself needs USAGE and CREATE
// (Open says so), so the admin granted USAGE, waited through users.list
// again and was refused at CREATE. It names the import's GRANT, as Open.
func TestCheckWritableOfASchemaTheRoleMayNotUseNamesTheWritersGrant(t *testing.T) {
	spec := sqlitetest.PostgresDB(t)
	admin := adminDB(t)
	spec, role := withRole(t, admin, spec)
	schema := searchPath(t, spec)
	want := `GRANT USAGE, CREATE ON SCHEMA "` + schema + `" TO "` + role + `"`
	err := sqlite.CheckWritable(context.Background(), spec, sqlite.Options{})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("CheckWritable: %v; want it to say %s", err, want)
	}
	if _, err := sqlite.Open(context.Background(), spec, sqlite.Options{}); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open: %v; want it to say %s, as CheckWritable", err, want)
	}
}

// A reporting role given USAGE on the bot's schema, but not SELECT on its
// tables, was told only "permission denied for table schema_migrations":
// a read-only open names the GRANT SELECT to run.
func TestAReadOnlyOpenWithoutSelectSaysToGrantSelect(t *testing.T) {
	spec := sqlitetest.PostgresDB(t)
	st, err := sqlite.Open(context.Background(), spec, sqlite.Options{}) // the admin creates the tables
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	admin := adminDB(t)
	spec, role := withRole(t, admin, spec)
	schema := searchPath(t, spec)
	if _, err := admin.Exec(`GRANT USAGE ON SCHEMA "` + schema + `" TO ` + role); err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Open(context.Background(), spec, sqlite.Options{ReadOnly: true})
	want := `GRANT SELECT ON ALL TABLES IN SCHEMA "` + schema + `" TO "` + role + `"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("read-only Open: %v; want it to say %s", err, want)
	}
}
