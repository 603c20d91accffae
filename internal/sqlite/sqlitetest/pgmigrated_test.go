package sqlitetest_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A schema PostgresMigrated makes is what the store's first open leaves in
// an empty one: the same tables, columns, defaults, identities, indexes,
// constraints and the same migrations recorded, no other row; and an open
// of it migrates nothing, says nothing and did not create the tables. The
// tests that start on one test the product on a new database only while
// this holds.
func TestPostgresMigratedIsWhatAFirstOpenLeaves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fresh := sqlitetest.PostgresDB(t)
	st, err := sqlite.Open(ctx, fresh, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	copied := sqlitetest.PostgresMigrated(t)
	want, got := describePG(t, fresh), describePG(t, copied)
	if len(want) < 50 {
		t.Fatalf("the migrated schema described in %d lines; the description reads too little to compare:\n%s", len(want), strings.Join(want, "\n"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("PostgresMigrated's schema differs from a first open's:\n%s", lineDiff(want, got))
	}

	var logs bytes.Buffer
	st, err = sqlite.Open(ctx, copied, sqlite.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.DatabaseVersion(ctx); err != nil || v != sqlite.PostgresSchemaVersion() {
		t.Errorf("the schema's version = %d %v, want %d", v, err, sqlite.PostgresSchemaVersion())
	}
	if c := st.CreatedTables(); c != nil {
		t.Errorf("the open said it created the tables (%+v); want them found there", c)
	}
	if logs.Len() != 0 {
		t.Errorf("the open of the migrated schema said something (a migration, a warning):\n%s", logs.String())
	}
}

// describePG lists what a test could tell of the schema a URL's
// search_path names: each relation with its columns (type, collation,
// nullability, default, identity), each constraint, index, sequence,
// trigger and function, the migrations recorded (not when) and each
// table's row count. The schema's own name is left out, as two schemas
// are compared.
func describePG(t *testing.T, spec string) []string {
	t.Helper()
	u, err := url.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	db, err := sql.Open("pgx", spec)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	query := func(q string, args ...any) {
		t.Helper()
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, v := range vals {
				parts = append(parts, v.String)
			}
			line := strings.Join(parts, " | ")
			line = strings.ReplaceAll(line, `"`+schema+`".`, "")
			out = append(out, strings.ReplaceAll(line, schema+".", ""))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	query(`SELECT 'relation', c.relname, c.relkind, c.relpersistence, c.relhasindex::text, c.relrowsecurity::text
		FROM pg_class c WHERE c.relnamespace = $1::regnamespace ORDER BY c.relname`, schema)
	query(`SELECT 'column', c.relname, a.attnum::text, a.attname, format_type(a.atttypid, a.atttypmod), coalesce(co.collname, ''),
			a.attnotnull::text, a.attidentity, a.attgenerated, coalesce(pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE c.relnamespace = $1::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY c.relname, a.attnum`, schema)
	query(`SELECT 'constraint', c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.condeferrable::text, k.condeferred::text
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE k.connamespace = $1::regnamespace ORDER BY c.relname, k.conname`, schema)
	query(`SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, schema)
	query(`SELECT 'sequence', sequencename, data_type::text, start_value::text, min_value::text, max_value::text, increment_by::text, cycle::text, coalesce(last_value::text, '')
		FROM pg_sequences WHERE schemaname = $1 ORDER BY sequencename`, schema)
	query(`SELECT 'trigger', c.relname, g.tgname, pg_get_triggerdef(g.oid)
		FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
		WHERE c.relnamespace = $1::regnamespace AND NOT g.tgisinternal ORDER BY c.relname, g.tgname`, schema)
	query(`SELECT 'function', p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc)
		FROM pg_proc p WHERE p.pronamespace = $1::regnamespace ORDER BY p.proname`, schema)
	query(`SELECT 'view', viewname, definition FROM pg_views WHERE schemaname = $1 ORDER BY viewname`, schema)
	query(`SELECT 'migration', version::text, name FROM schema_migrations ORDER BY version`)
	var tables []string
	rows, err := db.Query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, schema)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, tbl := range tables {
		if tbl == "schema_migrations" {
			continue // its rows are compared above
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM "` + tbl + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s: %d rows", tbl, n))
	}
	return out
}

// lineDiff says which lines only one of two descriptions has.
func lineDiff(want, got []string) string {
	var b strings.Builder
	for _, l := range want {
		if !slices.Contains(got, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	if b.Len() == 0 {
		return "the same lines, in another order"
	}
	return b.String()
}
