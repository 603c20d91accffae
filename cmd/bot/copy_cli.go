package main

import (
	"context"
	"fmt"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// copyCmd moves a SQLite database into an empty PostgreSQL one, for an
// organisation outgrowing one machine. The bot should be stopped first:
// what it writes after the copy began stays behind in the file.
func copyCmd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "copy")
	from := fs.String("from", "", "the SQLite database `FILE` to copy")
	to := fs.String("to", "", "the empty PostgreSQL database, as a postgres:// `URL`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() != 0 {
		return usageError("usage: " + fs.cmd.synopsisLine())
	}
	if sqlite.IsPostgres(*from) || sqlite.IsMiscasedPostgres(*from) || sqlite.IsKeywordString(*from) { // never echoed: it may hold a password
		return usageError("--from: give the SQLite file; copying from PostgreSQL is pg_dump's job")
	}
	if !sqlite.IsPostgres(*to) {
		return usageError("--to: give a postgres:// or postgresql:// URL (the scheme in lower case)")
	}
	cfg, err := loadConfig(e.getenv, needs{})
	if err != nil {
		return err
	}
	// An older Coachlog's file is migrated first: the bot is stopped for a
	// copy anyway, and "run coachlog serve once" meant starting it again.
	have, know, migrated, err := sqlite.MigrateSource(ctx, *from, e.now)
	if err != nil {
		return fmt.Errorf("nothing was copied: %w", err)
	}
	if migrated {
		fmt.Fprintf(e.stdout, "Migrated %s from schema version %d to %d first (copy reads the current schema).\n", *from, have, know)
	}
	counts, err := sqlite.CopyToPostgres(ctx, *from, *to, cfg.storeOptions(sqlite.Options{Now: e.now}))
	if err != nil {
		return fmt.Errorf("nothing was copied: %w", err)
	}
	var total int64
	for _, c := range counts {
		fmt.Fprintf(e.stdout, "  %-20s %10d rows\n", c.Table, c.Rows)
		total += c.Rows
	}
	fmt.Fprintf(e.stdout, "Copied %d tables, %d rows, from %s to %s; the row counts match on both sides.\n",
		len(counts), total, *from, sqlite.Redact(*to))
	fmt.Fprintf(e.stdout, "Point COACHLOG_DB at the PostgreSQL URL and start coachlog serve.\n")
	return nil
}
