package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
)

// Every open migrates, and every CLI command and start opens: on a
// database migrated already, a migration recorded is not looked at again
// (it was a transaction each, 27 of them, to learn that), and one whose
// record is missing still is, in its own transaction.
func TestAMigrationRecordedIsNotAppliedAgain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", dsn(path, Options{}, true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	newest := all[len(all)-1]
	tried := func() []int {
		t.Helper()
		var got []int
		if err := announced(ctx, nil, db, newest.version, all, func(m migration) error {
			got = append(got, m.version)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := tried(); len(got) != 0 {
		t.Errorf("on a migrated database, migrations %v were tried again", got)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = ?`, newest.version); err != nil {
		t.Fatal(err)
	}
	if got := tried(); !slices.Equal(got, []int{newest.version}) {
		t.Errorf("with migration %d's record missing, tried %v, want only it", newest.version, got)
	}
}
