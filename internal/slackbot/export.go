package slackbot

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/export"
)

// exportCommand serves /coach export [--from DATE] [--to DATE], for admins:
// the sessions as CSV (one row per session and rep, formula-safe cells, no
// note text), uploaded into the admin's DM with Coachlog. The DM's
// channel id, which files.completeUploadExternal insists on, comes from
// the message announcing the file, posted to the admin's user id (no
// conversations.open, which would need im:write).
func (b *Bot) exportCommand(ctx context.Context, cmd slashCommand, args string) {
	if !b.isAdmin(ctx, cmd.UserID) {
		b.refuse(ctx, cmd.ResponseURL, "`/coach export` is for admins: the people in COACHLOG_ADMINS and those the roster gives the admin role. "+
			b.alternatives(ctx, cmd.UserID))
		return
	}
	// Read as the person sees it, as /coach away does: Slack sends
	// "<#C0SALES|sales>" for a channel they picked and "&lt;" for a "<"
	// they typed, and a refusal quotes back #sales, not the markup. No
	// date or option holds & < or >.
	o, err := exportArgs(b.written(ctx, args))
	if err != nil {
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: "+escQuoted(coaching.ErrorMessage(err))+" Usage: `/coach export [--from 2026-01-01] [--to 2026-03-31]`."), false)
		return
	}
	if b.export == nil {
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: Exports are not available in this setup."), false)
		return
	}
	rows, err := b.sendExport(ctx, cmd.UserID, o)
	switch {
	case err != nil:
		b.commandFailed(ctx, cmd, "export", err, "The export could not be sent; it has been logged. Please try again.")
	case rows == 0:
		b.respond(ctx, cmd.ResponseURL, textMessage("No sessions "+rangeLabel(o)+": nothing to export."), false)
	default:
		b.respond(ctx, cmd.ResponseURL, textMessage(fmt.Sprintf(":inbox_tray: Sent to your DM with Coachlog: %s, one per session and rep, %s.",
			plural(rows, "row", "rows"), rangeLabel(o))), false)
	}
}

// exportArgs reads --from and --to from args as the person wrote them
// (unescaped). Slack clients may turn "--" into a dash, so "—from",
// "–from" and "from" are read too, and the date may follow an = as
// coachlog export takes it (--from=2026-01-01). A word it cannot read is
// quoted back between plain quotes, as typed: %q would add Go's escapes
// (\").
func exportArgs(args string) (export.Options, error) {
	o := export.Options{Format: "csv"}
	words := strings.Fields(args)
	for i := 0; i < len(words); i++ {
		flag, value, inline := strings.Cut(strings.TrimLeft(words[i], "-—–"), "=")
		var dst *coaching.Date
		switch strings.ToLower(flag) {
		case "from":
			dst = &o.From
		case "to":
			dst = &o.To
		default:
			return o, coaching.Errorf(coaching.EInvalid, "%s is not an option of /coach export.", coaching.QuoteTyped(words[i]))
		}
		if !inline && i+1 < len(words) {
			i++
			value = words[i]
		}
		if value == "" {
			return o, coaching.Errorf(coaching.EInvalid, "--%s needs a date.", flag)
		}
		d, err := coaching.ParseDate(value)
		if err != nil {
			return o, coaching.Errorf(coaching.EInvalid, "--%s: %s is not a date (YYYY-MM-DD).", flag, coaching.QuoteTyped(value))
		}
		*dst = d
	}
	if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
		return o, coaching.Errorf(coaching.EInvalid, "--to %s is before --from %s.", o.To, o.From)
	}
	return o, nil
}

// rangeLabel says which sessions an export holds.
func rangeLabel(o export.Options) string {
	switch {
	case o.From.IsZero() && o.To.IsZero():
		return "of all time"
	case o.To.IsZero():
		return "from " + o.From.String()
	case o.From.IsZero():
		return "up to " + o.To.String()
	}
	return "from " + o.From.String() + " to " + o.To.String()
}

// sendExport writes the export to a temporary file (an export can be
// large), then posts a message to userID and uploads the file into the DM
// that message landed in. It returns the number of rows; with none,
// nothing is sent.
func (b *Bot) sendExport(ctx context.Context, userID string, o export.Options) (int, error) {
	f, err := os.CreateTemp("", "coachlog-export-*.csv")
	if err != nil {
		return 0, fmt.Errorf("create the export file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	src := &ownRatingsBlank{src: b.export, manager: userID}
	rows, err := export.Write(ctx, f, src, o)
	if err != nil || rows == 0 {
		return 0, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("size the export file: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("rewind the export file: %w", err)
	}
	intro := fmt.Sprintf("Your Coachlog export: %s, one per session and rep, %s. Note text never leaves Coachlog this way.",
		plural(rows, "row", "rows"), rangeLabel(o))
	if src.blanked > 0 {
		intro += fmt.Sprintf(" The ratings of the sessions you logged (%s) are left blank: a manager sees their reps' ratings only as an average of three or more (`/coach stats`).",
			plural(src.blanked, "rating", "ratings"))
	}
	posted, err := b.postNow(ctx, userID, "", textMessage(intro))
	if err != nil {
		return 0, fmt.Errorf("post the export's message: %w", err)
	}
	name := "coachlog-sessions.csv"
	if !o.From.IsZero() || !o.To.IsZero() {
		name = fmt.Sprintf("coachlog-sessions-%s-%s.csv", orAll(o.From), orAll(o.To))
	}
	if _, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: name, FileSize: int(size), Reader: f,
		Title: "Coachlog sessions " + rangeLabel(o), Channel: posted.Channel}); err != nil {
		return 0, fmt.Errorf("upload the export: %w", redactUpload(err))
	}
	return rows, nil
}

// ownRatingsBlank is the export an admin gets over Slack: a rating is a
// rep's word on one session of the manager who logged it, and that
// manager sees ratings only as an average of three or more (PRODUCT.md),
// so an admin who also logs coaching gets the rows of their own sessions
// without the rating. Everyone else's stay whole; `coachlog export` on the
// server, the operator's, is not filtered.
type ownRatingsBlank struct {
	src     export.Source
	manager string
	blanked int // rows whose rating was left out
}

func (s *ownRatingsBlank) ExportRows(ctx context.Context, from, to coaching.Date, fn func(coaching.ExportRow) error) error {
	return s.src.ExportRows(ctx, from, to, func(r coaching.ExportRow) error {
		if r.ManagerID == s.manager && r.Rating > 0 {
			r.Rating = 0
			s.blanked++
		}
		return fn(r)
	})
}

func orAll(d coaching.Date) string {
	if d.IsZero() {
		return "all"
	}
	return d.String()
}
