package sqlitetest

import (
	"database/sql"
	"os"
	"strings"
	"testing"
)

// Spoil writes garbage over the cell pointers of the first leaf page of
// table in the SQLite file at path, as a bad disk or a stray write would.
func Spoil(t *testing.T, path, table string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var page, size int64
	err = db.QueryRow(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno LIMIT 1`, table).Scan(&page)
	if err == nil {
		err = db.QueryRow(`PRAGMA page_size`).Scan(&size)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(strings.Repeat("GARBAGE!", 8)), (page-1)*size+8); err != nil {
		t.Fatal(err)
	}
}
