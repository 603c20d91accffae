package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/export"
	"github.com/coachlog/coachlog/internal/roster"
	"github.com/coachlog/coachlog/internal/shquote"
	"github.com/coachlog/coachlog/internal/slackbot"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// openReadOnly opens an existing database for a command that only reads:
// a missing file is an error, never a new empty database.
func openReadOnly(ctx context.Context, path string, o sqlite.Options) (*sqlite.Store, error) {
	o.ReadOnly = true
	st, err := sqlite.Open(ctx, path, o)
	switch {
	case errors.Is(err, sqlite.ErrNoDatabase) && sqlite.IsPostgres(path):
		return nil, fmt.Errorf("database %s holds no Coachlog data yet: check COACHLOG_DB (and its search_path), or create it with `coachlog serve` or `coachlog roster import`", sqlite.Redact(path))
	case errors.Is(err, sqlite.ErrNoDatabase):
		return nil, fmt.Errorf("database %s does not exist: set COACHLOG_DB, or create it with `coachlog serve` or `coachlog roster import`", sqlite.Redact(path))
	}
	return st, dbError(path, err)
}

// readDB is what a command that only reads opens: the settings, and the
// existing database they name, read-only (openReadOnly). The caller
// closes the store.
func readDB(ctx context.Context, e env) (*sqlite.Store, config, error) {
	cfg, err := loadConfig(e.getenv, needs{})
	if err != nil {
		return nil, config{}, err
	}
	st, err := openReadOnly(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{}))
	return st, cfg, err
}

// openDB opens (creating and migrating) the database at path, COACHLOG_DB.
func openDB(ctx context.Context, path string, o sqlite.Options) (*sqlite.Store, error) {
	st, err := sqlite.Open(ctx, path, o)
	return st, dbError(path, err)
}

// dbError names the setting and the database (its password redacted) in
// an error opening it: "unable to open database file (14)" alone does not
// say that COACHLOG_DB points into a directory the bot may not write, such
// as a volume mounted for another user.
func dbError(path string, err error) error {
	if err == nil {
		return nil
	}
	name := sqlite.Redact(path)
	// The store's own errors begin "open NAME: ": said once is enough.
	return wrapped{"COACHLOG_DB " + name + ": " + strings.TrimPrefix(err.Error(), "open "+name+": "), err}
}

// wrapped is an error with a message of its own around another.
type wrapped struct {
	msg string
	err error
}

func (w wrapped) Error() string { return w.msg }
func (w wrapped) Unwrap() error { return w.err }

func exportCmd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "export")
	format := fs.String("format", "csv", "the output, `csv|json`")
	withNotes := fs.Bool("with-notes", false, "include note text, rep comments and dispute reasons")
	fromS := fs.String("from", "", "the first `DATE` (YYYY-MM-DD), inclusive")
	toS := fs.String("to", "", "the last `DATE` (YYYY-MM-DD), inclusive")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The flag package stops at the first argument: "export out.csv
	// --with-notes" would drop the flags after it and write to stdout.
	if err := noArguments(fs, "only flags (it writes to standard output)"); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return usageError(fmt.Sprintf("--format %q: use csv or json", *format))
	}
	var o export.Options
	o.Format, o.WithNotes = *format, *withNotes
	for _, d := range []struct {
		flag, val string
		out       *coaching.Date
	}{{"--from", *fromS, &o.From}, {"--to", *toS, &o.To}} {
		if d.val == "" {
			continue
		}
		date, err := coaching.ParseDate(d.val)
		if err != nil {
			return usageError(d.flag + ": " + err.Error())
		}
		*d.out = date
	}
	if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
		return usageError(fmt.Sprintf("--to %s is before --from %s", o.To, o.From))
	}
	st, _, err := readDB(ctx, e)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = export.Write(ctx, e.stdout, st, o)
	return err
}

// fileCommand reads the arguments of a command that takes one file and
// the flags defined on fs (newFlags), and the settings.
func fileCommand(e env, fs *flagSet, args []string) (string, config, error) {
	usage := fs.cmd.synopsisLine()
	if err := parseFlags(fs, args); err != nil {
		return "", config{}, err
	}
	// The flag package stops at the first word that is no flag, so a
	// flag after the file is left as a second argument: say where it
	// goes, with the command line that works, not only the usage.
	if rest := fs.Args(); len(rest) > 1 && strings.HasPrefix(rest[1], "-") {
		return "", config{}, usageError(fmt.Sprintf("flags go before the file: coachlog %s %s %s (usage: %s)",
			fs.Name(), strings.Join(rest[1:], " "), rest[0], usage))
	}
	if fs.NArg() > 1 {
		// Two files given: "usage" alone did not say which part was
		// wrong.
		whole := ""
		if fs.Name() == "roster import" {
			// Imported one after the other, the second would deactivate
			// everyone the first named.
			whole = "; a roster file is the whole roster: put everyone in one file"
		}
		return "", config{}, usageError(fmt.Sprintf("coachlog %s takes one file, and %d were given (%s)%s (usage: %s)",
			fs.Name(), fs.NArg(), strings.Join(fs.Args(), ", "), whole, usage))
	}
	if fs.NArg() != 1 {
		return "", config{}, usageError("usage: " + usage)
	}
	if fs.Arg(0) == "" {
		// A script's unset variable ("$BACKUP"): backup wrote ".partial"
		// in the working directory before failing on the rename, and an
		// import said "open : no such file or directory".
		return "", config{}, usageError(fmt.Sprintf("the file's name is empty: an unset variable? (usage: %s)", usage))
	}
	cfg, err := loadConfig(e.getenv, needs{})
	return fs.Arg(0), cfg, err
}

func rosterImport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "roster import")
	confirm := fs.Bool("confirm-deactivations", false, "deactivate the people the file leaves out however many they are (without it, a file that leaves out at least 25 people and more than a third of the roster is refused)")
	path, cfg, err := fileCommand(e, fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("roster: %w", err)
	}
	defer f.Close()
	today := coaching.DateOf(e.now(), cfg.TZ)
	// The whole file is read and checked, with Slack when there is a token,
	// before the database is touched: a bad line writes nothing.
	entries, err := roster.Parse(f, today)
	if err != nil {
		return fmt.Errorf("roster %s not imported, nothing was changed:\n%w", path, err)
	}
	// The database is checked, as the import will open it, before Slack
	// is asked: users.list pages through the workspace (minutes on a
	// large one), and a database the import may not write, on a full
	// disk or newer than this coachlog was found only after that wait.
	// The check writes nothing, and creates or migrates nothing.
	opts := cfg.storeOptions(sqlite.Options{BusyTimeout: 10 * time.Second, Now: e.now, Logger: newLogger(cfg, e.stderr)})
	if err := sqlite.CheckWritable(ctx, cfg.DB, opts); err != nil {
		return dbError(cfg.DB, err)
	}
	if !*confirm {
		if err := missingBeforeSlack(ctx, cfg, entries); err != nil {
			return manyMissing(path, err)
		}
	}
	var dir roster.Directory
	if cfg.BotToken != "" {
		// As at serve's start: a token Slack refuses, or an API URL where
		// nothing answers, is one line naming the variable, not an error
		// from deep in the member list.
		ws, err := checkBotToken(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		dir = slackbot.NewDirectory(cfg.BotToken, cfg.APIURL, nil, slackbot.NewHome(cfg.BotToken, cfg.APIURL, nil, ws))
		fmt.Fprintf(e.stderr, "Checking %s people against Slack's member list (users.list; minutes on a large workspace)...\n", coaching.Count(len(entries)))
	} else {
		fmt.Fprintln(e.stderr, "SLACK_BOT_TOKEN is not set: slack_ids are imported as given, unchecked, and Slack time zones are not read.")
	}
	people, err := roster.Resolve(ctx, entries, dir)
	if err != nil {
		return fmt.Errorf("roster %s not imported, nothing was changed:\n%w", path, err)
	}
	st, err := openDB(ctx, cfg.DB, opts)
	if err != nil {
		return err
	}
	defer st.Close()
	check := roster.CheckMissing
	if *confirm {
		check = nil
	}
	res, err := st.ImportRosterChecked(ctx, people, today, check)
	if many := (*roster.TooManyMissingError)(nil); errors.As(err, &many) {
		return manyMissing(path, many)
	}
	lines := make(map[string]int, len(people)) // Resolve keeps the file's order
	for i, p := range people {
		lines[p.ID] = entries[i].Line
	}
	if clash := (*sqlite.EmailClashError)(nil); errors.As(err, &clash) {
		return fmt.Errorf("roster %s not imported, nothing was changed:\n%w", path, clashLines(clash, lines))
	}
	if err != nil {
		return err
	}
	who := "people"
	if len(people) == 1 { // a first roster of one leader, a test file
		who = "person"
	}
	fmt.Fprintf(e.stdout, "Imported %s %s from %s: %s added, %s back on the roster, %s changed, %s unchanged, %s deactivated.\n",
		coaching.Count(len(people)), who, path, coaching.Count(res.Added), coaching.Count(res.Back), coaching.Count(res.Changed),
		coaching.Count(res.Unchanged), coaching.Count(res.Deactivated))
	// Said, as the admin did not write it: a performance file naming the
	// address now credits the other row, and one naming the person by it
	// is refused.
	slacks := map[string]string{} // the addresses users.list gave the cleared
	for _, p := range people {
		if p.EmailFromSlack {
			slacks[p.ID] = p.Email
		}
	}
	for _, c := range res.EmailsCleared {
		now := fmt.Sprintf("%s has no email now", c.ID)
		if a := slacks[c.ID]; a != "" {
			now = fmt.Sprintf("%s has Slack's, %s, now", c.ID, a)
		}
		fmt.Fprintf(e.stdout, "line %d (%s): the email cell is empty, and %s, the address Coachlog had, is line %d's (%s) now; %s.\n",
			lines[c.ID], c.ID, c.Email, lines[c.By], c.By, now)
	}
	return nil
}

// manyMissing refuses the roster file at path for leaving out too many
// (roster.CheckMissing's err), with the command line that imports it
// anyway.
func manyMissing(path string, err error) error {
	return fmt.Errorf("roster %s not imported, nothing was changed:\n%w:\n  coachlog roster import --confirm-deactivations %s", path, err, shquote.Quote(path))
}

// missingBeforeSlack refuses, before Slack is asked anything, a file that
// leaves out many of the roster's people by every id and email it names
// (roster.LeftOut): an admin who imported one team's file by mistake is
// told at once, not after users.list. It reads the database as it is,
// and says nothing when it cannot (none yet, one to migrate): the
// import's own check, on what Slack resolved, stands either way.
func missingBeforeSlack(ctx context.Context, cfg config, entries []roster.Entry) error {
	st, err := sqlite.Open(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{ReadOnly: true}))
	if err != nil {
		return nil
	}
	defer st.Close()
	people, err := st.People(ctx)
	if err != nil {
		return nil
	}
	return roster.CheckMissing(roster.LeftOut(entries, people))
}

// clashLines names, on the line of each but the first of the people who
// would keep one address, the field and the first one's line, as a bad
// line of the file is named.
func clashLines(clash *sqlite.EmailClashError, lines map[string]int) error {
	var errs roster.Errors
	for _, c := range clash.Clashes {
		first := c.IDs[0]
		for _, id := range c.IDs[1:] {
			errs.Add(lines[id], "email", "is empty, and %s would have %s, which %s on line %d would have too; give the address on the line of the one it is",
				id, c.Email, first, lines[first])
		}
	}
	return errs.OrNil()
}

// rosterExport writes the roster as it is now, as a file roster import
// takes back unchanged.
func rosterExport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "roster export")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs, "it writes to standard output: coachlog roster export > roster.csv"); err != nil {
		return err
	}
	st, _, err := readDB(ctx, e)
	if err != nil {
		return err
	}
	defer st.Close()
	people, err := st.People(ctx)
	if err != nil {
		return err
	}
	return roster.Write(e.stdout, people)
}
