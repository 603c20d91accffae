package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// HomeOpened records that someone opened their App Home tab at at: one row
// a person, the latest open kept (a retried event, older, changes nothing).
func (t *tx) HomeOpened(ctx context.Context, id string, at time.Time) error {
	if _, err := t.q.ExecContext(ctx, `INSERT INTO home_opens (person_id, opened_at) VALUES (?, ?)
		ON CONFLICT (person_id) DO UPDATE SET opened_at = excluded.opened_at WHERE excluded.opened_at > home_opens.opened_at`,
		id, ms(at)); err != nil {
		return fmt.Errorf("record %s's Home opened: %w", id, err)
	}
	return nil
}

// HomeOpenedSince reports whether someone opened their App Home tab at
// since or later: a seek in the table's primary key.
func (t *tx) HomeOpenedSince(ctx context.Context, id string, since time.Time) (bool, error) {
	var at int64
	err := t.q.QueryRowContext(ctx, `SELECT opened_at FROM home_opens WHERE person_id = ?`, id).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read when %s last opened their Home: %w", id, err)
	}
	return at >= ms(since), nil
}
