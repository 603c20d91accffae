package sqlite_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A server that refuses the connection for the URL's database or user
// says what to do about it, beside the server's own words: "FATAL:
// database "coachlog" does not exist (SQLSTATE 3D000)" on a first start
// left the operator to find that Coachlog creates its tables, never the
// database, and a role the server does not know read the same as a
// wrong password.
func TestAPostgresURLTheServerRefusesSaysWhatToDo(t *testing.T) {
	if sqlitetest.PostgresURL() == "" {
		t.Skip("set " + sqlitetest.PostgresEnv + " to run against PostgreSQL")
	}
	t.Parallel()
	for _, tt := range []struct {
		name string
		edit func(u *url.URL)
		want []string
	}{
		{"a database not created", func(u *url.URL) { u.Path = "/coachlog_not_created" },
			[]string{`database "coachlog_not_created" does not exist`, "create it first", `CREATE DATABASE "coachlog_not_created" OWNER "`}},
		{"a role the server does not know", func(u *url.URL) { u.User = url.UserPassword("coachlog_nobody", "s3cret") },
			[]string{`role "coachlog_nobody" does not exist`, "check the user name in the URL", `CREATE ROLE "coachlog_nobody" LOGIN`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(sqlitetest.PostgresURL())
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(u)
			st, err := sqlite.Open(context.Background(), u.String(), sqlite.Options{})
			if err == nil {
				st.Close()
				t.Fatal("opened")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "\n") {
				t.Errorf("%q: the password, or more than one line", err)
			}
		})
	}
}
