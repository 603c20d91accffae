package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/coachlog/coachlog/internal/coaching"
)

// repostArgs is the part of outboxArgs RepostThread reads and writes: how
// many times the post was queued again after Slack said it was gone.
type repostArgs struct {
	Reposts int `json:"reposts,omitempty"`
}

// RepostThread queues again the post under key, posted at goneTS and gone
// from Slack since (deleted: a reply under it met thread_not_found), so a
// fresh one starts its thread, and the replies of its thread with it, in
// one commit:
//   - the post, back to pending, due now, as never tried; where it was
//     posted is forgotten, so its replies wait for the new one;
//   - its thread's replies (the rows under "key:1", "key:2"...): those
//     still queued wait for it, due now so they keep their order; those
//     that had gone under the gone post, or failed under it, are queued
//     again, due now, as never tried (a reply whose text was emptied a day
//     after it went cannot be, and is counted Lost);
//   - the reply id that found the post gone, held by owner, is let go at
//     once (id 0: none, as from `coachlog digest`).
//
// It does so at most maxReposts times in the post's life, counted in the
// post's args ("reposts"), and only while the post's text is kept (a
// digest's headline keeps it: ScrubOutbox). When the post was posted anew
// meanwhile (its ts is not goneTS) or is queued again already, only the
// reply is let go, to follow the new one: Reposted, not Queued.
func (s *Store) RepostThread(ctx context.Context, key, goneTS string, maxReposts int, id int64, owner string) (coaching.RepostedThread, error) {
	var out coaching.RepostedThread
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		out = coaching.RepostedThread{} // a retried transaction reports its last attempt
		now := t.now()
		letGo := func() error {
			if id == 0 {
				return nil
			}
			_, err := t.q.ExecContext(ctx, `UPDATE outbox SET lease_until = 0 WHERE id = ? AND status = 'pending'`+heldBy, id, owner)
			if err != nil {
				return fmt.Errorf("let go of outbox row %d: %w", id, err)
			}
			return nil
		}
		var postID int64
		var status, rawArgs, payload string
		switch err := t.q.QueryRowContext(ctx, `SELECT id, status, args, payload FROM outbox WHERE msg_key = ? AND msg_key <> '' AND op = 'post'
			ORDER BY id DESC LIMIT 1`, key).Scan(&postID, &status, &rawArgs, &payload); {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return fmt.Errorf("read the post %s: %w", key, err)
		}
		var ts string
		switch err := t.q.QueryRowContext(ctx, `SELECT ts FROM slack_messages WHERE msg_key = ?`, key).Scan(&ts); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("read where %s was posted: %w", key, err)
		}
		if status == "pending" || (status == "sent" && ts != "" && ts != goneTS) {
			out.Reposted = true // queued again, or posted anew, by someone else meanwhile
			return letGo()
		}
		var args map[string]any
		var count repostArgs
		if err := json.Unmarshal([]byte(rawArgs), &args); err != nil {
			return fmt.Errorf("read the args of the post %s: %w", key, err)
		}
		if err := json.Unmarshal([]byte(rawArgs), &count); err != nil {
			return fmt.Errorf("read the args of the post %s: %w", key, err)
		}
		if status != "sent" || ts == "" || payload == "" || count.Reposts >= maxReposts {
			return nil
		}
		args["reposts"] = count.Reposts + 1
		newArgs, err := json.Marshal(args)
		if err != nil {
			return fmt.Errorf("write the args of the post %s: %w", key, err)
		}
		if _, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?, last_error = '', done_at = 0,
			lease_until = 0, lease_owner = '', args = ? WHERE id = ?`, now, string(newArgs), postID); err != nil {
			return fmt.Errorf("queue the post %s again: %w", key, err)
		}
		if _, err := t.q.ExecContext(ctx, `DELETE FROM slack_messages WHERE msg_key = ?`, key); err != nil {
			return fmt.Errorf("forget where %s was posted: %w", key, err)
		}
		// A thread's replies are queued with their post, in its
		// transaction, so their ids follow its id: the reads below go
		// from there by the primary key, not through the whole outbox
		// (a substr of msg_key uses no index; on a year's outbox that
		// was a scan inside a write every ack waits behind).
		thread := key + ":"
		if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE id > ? AND substr(msg_key, 1, ?) = ? AND status = 'sent' AND payload = ''`,
			postID, len(thread), thread).Scan(&out.Lost); err != nil {
			return fmt.Errorf("count the replies under %s: %w", key, err)
		}
		if _, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?, last_error = '', done_at = 0,
			lease_until = 0, lease_owner = '' WHERE id > ? AND substr(msg_key, 1, ?) = ? AND status IN ('sent', 'failed') AND payload <> ''`,
			now, postID, len(thread), thread); err != nil {
			return fmt.Errorf("queue the replies under %s again: %w", key, err)
		}
		res, err := t.q.ExecContext(ctx, `UPDATE outbox SET next_at = ? WHERE id > ? AND substr(msg_key, 1, ?) = ? AND status = 'pending'`, now, postID, len(thread), thread)
		if err != nil {
			return fmt.Errorf("line up the replies under %s: %w", key, err)
		}
		waiting, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("line up the replies under %s: %w", key, err)
		}
		out.Reposted, out.Queued, out.Replies = true, true, int(waiting) // the requeued are pending now, and counted there
		return letGo()
	})
	return out, err
}
