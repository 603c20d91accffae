package sqlite_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"

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
			refusedSaying(t, err, tt.want)
		})
	}
}

// The two refusals the servers here cannot give, as every one of them
// trusts its local connections: a wrong password and no pg_hba.conf entry.
// A server of a few lines says them over PostgreSQL's wire protocol, as a
// real one does at startup, and the start says what to do beside its words.
func TestAPasswordOrPgHbaRefusalSaysWhatToDo(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  pgproto3.ErrorResponse
		want []string
	}{
		{"a wrong password", pgproto3.ErrorResponse{Severity: "FATAL", Code: "28P01", Message: `password authentication failed for user "coachlog"`},
			[]string{`password authentication failed for user "coachlog"`, "check the password (in the URL, PGPASSWORD or ~/.pgpass; an '@' in it written %40)"}},
		{"no pg_hba.conf entry", pgproto3.ErrorResponse{Severity: "FATAL", Code: "28000",
			Message: `no pg_hba.conf entry for host "10.0.0.7", user "coachlog", database "coachlog", no encryption`},
			[]string{"no pg_hba.conf entry", "the server's pg_hba.conf lets no such connection in (this user, database and address): ask its administrator"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := refusingPostgres(t, tt.err)
			_, err := sqlite.Open(context.Background(), "postgres://coachlog:s3cret@"+addr+"/coachlog?connect_timeout=5", sqlite.Options{})
			if err == nil {
				t.Fatal("opened")
			}
			refusedSaying(t, err, tt.want)
		})
	}
}

// refusedSaying checks a refused start's error: on one line, with each of
// want, and never the URL's password.
func refusedSaying(t *testing.T, err error, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "\n") {
		t.Errorf("%q: the password, or more than one line", err)
	}
}

// refusingPostgres listens on 127.0.0.1 and answers every connection's
// startup with refusal, as a PostgreSQL server refusing it does; it
// returns the address.
func refusingPostgres(t *testing.T, refusal pgproto3.ErrorResponse) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				be := pgproto3.NewBackend(conn, conn)
				for {
					msg, err := be.ReceiveStartupMessage()
					if err != nil {
						return
					}
					if _, ok := msg.(*pgproto3.SSLRequest); ok {
						if _, err := conn.Write([]byte("N")); err != nil { // no TLS here: the client goes on in plain text
							return
						}
						continue
					}
					be.Send(&refusal)
					_ = be.Flush()
					return
				}
			}()
		}
	}()
	return ln.Addr().String()
}
