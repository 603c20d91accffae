package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// copyCmd moves a SQLite database into an empty PostgreSQL one, for an
// organisation outgrowing one machine. The bot must be stopped first:
// what it writes after the copy began stays behind in the file. A copy
// beside a running bot printed that the row counts matched, and the
// sessions logged meanwhile were lost; so copy refuses while any lease in
// the file is live, and checks again once the tables are filled (before
// the commit: nothing is kept) and after the commit.
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
	running := func(ctx context.Context) error { return botRunning(ctx, *from, e.now(), cfg.SenderLease) }
	// Before anything, the migration below too: it would change the
	// schema under a running bot.
	if err := running(ctx); err != nil {
		return fmt.Errorf("nothing was copied: %w", err)
	}
	// An older Coachlog's file is migrated first, in place (copy reads
	// the current schema only): no bot runs on it, as checked above, and
	// "run coachlog serve once" meant starting it again. The output says
	// so, as the older binary then refuses the file.
	have, know, migrated, err := sqlite.MigrateSource(ctx, *from, sqlite.Options{Now: e.now, Logger: newLogger(cfg, e.stderr)})
	if err != nil {
		return fmt.Errorf("nothing was copied: %w", err)
	}
	if migrated {
		fmt.Fprintf(e.stdout, "Migrated %s in place from schema version %d to %d first (copy reads the current schema).\n", *from, have, know)
	}
	counts, err := sqlite.CopyToPostgres(ctx, *from, *to, cfg.storeOptions(sqlite.Options{Now: e.now}), func(ctx context.Context) error {
		if copyFilled != nil {
			copyFilled()
		}
		if err := running(ctx); err != nil {
			return fmt.Errorf("a bot started during the copy: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("nothing was copied: %w", err)
	}
	// One started between the check above and the commit.
	if err := running(ctx); err != nil {
		return fmt.Errorf("the copy in %s is not usable: a bot started on %s as the copy ended, and what it writes is not in PostgreSQL (%w); empty that database (drop its tables, or create a new one) and copy again", sqlite.Redact(*to), *from, err)
	}
	fmt.Fprint(e.stdout, copiedText(counts, *from, sqlite.Redact(*to)))
	fmt.Fprintf(e.stdout, "Point COACHLOG_DB at the PostgreSQL URL and start coachlog serve.\n")
	return nil
}

// copiedText is each table's rows as copied, then the totals, counted as
// the digest counts: a year of a large company is millions of rows,
// "1,000,000" read at a glance where "1000000" was counted by eye.
func copiedText(counts []sqlite.TableCount, from, to string) string {
	var b strings.Builder
	var total int64
	for _, c := range counts {
		fmt.Fprintf(&b, "  %-20s %13s rows\n", c.Table, coaching.Count(int(c.Rows)))
		total += c.Rows
	}
	fmt.Fprintf(&b, "Copied %s tables, %s rows, from %s to %s; the row counts match on both sides.\n",
		coaching.Count(len(counts)), coaching.Count(int(total)), from, to)
	return b.String()
}

// copyFilled, when set, runs once the copy has filled the tables, before
// its last check for a running bot. Only tests set it, to start one there.
var copyFilled func()

// botRunning refuses a database file on which a bot runs: one whose lease
// has not run out at now. The lease does not say when it was renewed; a
// holder renews it to last ttl (COACHLOG_SENDER_LEASE), so that is
// reckoned from its end.
func botRunning(ctx context.Context, path string, now time.Time, ttl time.Duration) error {
	leases, err := sqlite.LiveLeases(ctx, path, now)
	if err != nil {
		return fmt.Errorf("could not check whether a bot runs on %s: %w", path, err)
	}
	if len(leases) == 0 {
		return nil
	}
	l := leases[0]
	ago := max(now.Sub(l.Expires.Add(-ttl)), 0).Round(time.Second)
	left := l.Expires.Sub(now).Round(time.Second)
	return fmt.Errorf("a bot is running on %s: its %s lease (holder %s) was renewed %ds ago and runs out in %ds; stop the bot (every coachlog serve on the file) first, then copy",
		path, l.Role, l.Holder, int(ago.Seconds()), int(left.Seconds()))
}
