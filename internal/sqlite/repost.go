package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
		replies, err := threadReplies(ctx, t, key, postID)
		if err != nil {
			return err
		}
		waiting := 0
		for _, r := range replies {
			switch {
			case r.status == "pending":
				_, err = t.q.ExecContext(ctx, `UPDATE outbox SET next_at = ? WHERE id = ?`, now, r.id)
			case !r.kept:
				if r.status == "sent" {
					out.Lost++
				}
				continue
			case r.status == "sent" || (r.status == "failed" && strings.HasSuffix(r.lastError, "thread_not_found")):
				// A reply that failed for a reason of its own (too long,
				// refused blocks) would fail again: it stays failed.
				_, err = t.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?, last_error = '', done_at = 0,
					lease_until = 0, lease_owner = '' WHERE id = ?`, now, r.id)
			default:
				continue
			}
			if err != nil {
				return fmt.Errorf("queue reply %d under %s again: %w", r.id, key, err)
			}
			waiting++
		}
		out.Reposted, out.Queued, out.Replies = true, true, waiting // the requeued are pending now, and counted there
		return letGo()
	})
	return out, err
}

// threadReply is a reply of a thread RepostThread queues again.
type threadReply struct {
	id        int64
	status    string
	lastError string
	kept      bool // its text is still kept (not emptied a day after it went)
}

// threadReplies reads the replies queued under key ("key:1", "key:2"...)
// after its post postID, each by its own key through outbox_key, until a
// number has none: a thread's replies are numbered from 1 without a gap
// (coaching.DigestKey). A range or a prefix of msg_key would not do: a
// substr uses no index, and a range of text depends on PostgreSQL's
// collation; by id from postID on, it read every message queued since,
// inside a write that every ack waits behind (0.8 s after 300,000).
func threadReplies(ctx context.Context, t *tx, key string, postID int64) ([]threadReply, error) {
	var out []threadReply
	for i := 1; ; i++ {
		reply := key + ":" + strconv.Itoa(i)
		rows, err := t.q.QueryContext(ctx, `SELECT id, status, last_error, payload <> '' FROM outbox WHERE msg_key = ? AND id > ? ORDER BY id`, reply, postID)
		if err != nil {
			return nil, fmt.Errorf("read reply %s: %w", reply, err)
		}
		n := len(out)
		for rows.Next() {
			var r threadReply
			if err := rows.Scan(&r.id, &r.status, &r.lastError, &r.kept); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read reply %s: %w", reply, err)
			}
			out = append(out, r)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("read reply %s: %w", reply, err)
		}
		if len(out) == n {
			return out, nil
		}
	}
}
