package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// InsertCommand stores an accepted command, setting c.ID. A command whose
// key is already stored is left as it is: false, with c.ID its row.
func (t *tx) InsertCommand(ctx context.Context, c *coaching.Command) (bool, error) {
	err := t.q.QueryRowContext(ctx, `INSERT INTO inbox (cmd_key, user_id, payload, received_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (cmd_key) DO NOTHING RETURNING id`, c.Key, c.UserID, string(c.Payload), ms(c.ReceivedAt)).Scan(&c.ID)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store command of %s: %w", c.UserID, err)
	}
	if err := t.q.QueryRowContext(ctx, `SELECT id FROM inbox WHERE cmd_key = ?`, c.Key).Scan(&c.ID); err != nil {
		return false, fmt.Errorf("read command %s: %w", c.Key, err)
	}
	return false, nil
}

// MarkCommandDone records that a command was acted on, and lets go of its
// payload (note text, a response_url), no longer needed. It reports
// whether this call did: false when the command was already done.
func (t *tx) MarkCommandDone(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE inbox SET done_at = ?, payload = '' WHERE id = ? AND done_at = 0`, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("mark command %d done: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark command %d done: %w", id, err)
	}
	return n == 1, nil
}

// PendingCommands lists commands not acted on yet, received before, oldest
// first.
func (r reader) PendingCommands(ctx context.Context, before time.Time) (_ []coaching.Command, err error) {
	defer gaveUp(&err)
	rows, err := r.q.QueryContext(ctx, `SELECT id, cmd_key, user_id, payload, received_at FROM inbox
		WHERE done_at = 0 AND received_at < ? ORDER BY id`, ms(before))
	if err != nil {
		return nil, fmt.Errorf("read pending commands: %w", err)
	}
	defer rows.Close()
	var out []coaching.Command
	for rows.Next() {
		var c coaching.Command
		var payload string
		var received int64
		if err := rows.Scan(&c.ID, &c.Key, &c.UserID, &payload, &received); err != nil {
			return nil, fmt.Errorf("read pending commands: %w", err)
		}
		c.Payload, c.ReceivedAt = []byte(payload), fromMS(received)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CommandAnswered reports whether a command was acted on (done). A command
// not stored is reported as not found.
func (r reader) CommandAnswered(ctx context.Context, id int64) (_ bool, err error) {
	defer gaveUp(&err)
	var done int64
	err = r.q.QueryRowContext(ctx, `SELECT done_at FROM inbox WHERE id = ?`, id).Scan(&done)
	if errors.Is(err, sql.ErrNoRows) {
		return false, coaching.Errorf(coaching.ENotFound, "Command %d not found.", id)
	}
	if err != nil {
		return false, fmt.Errorf("read command %d: %w", id, err)
	}
	return done != 0, nil
}
