package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// outboxArgs is the part of a message stored as JSON.
type outboxArgs struct {
	SessionID   int64  `json:"session_id,omitempty"`
	RepID       string `json:"rep_id,omitempty"`
	ResponseURL string `json:"response_url,omitempty"`
	ResponseAt  int64  `json:"response_at,omitempty"` // unix ms
	Replace     bool   `json:"replace,omitempty"`
	ThreadKey   string `json:"thread_key,omitempty"`
	ThreadTS    string `json:"thread_ts,omitempty"`
}

func encodeArgs(m coaching.Message) (string, error) {
	args, err := json.Marshal(outboxArgs{SessionID: m.SessionID, RepID: m.RepID, ResponseURL: m.ResponseURL,
		ResponseAt: ms(m.ResponseAt), Replace: m.Replace, ThreadKey: m.ThreadKey, ThreadTS: m.ThreadTS})
	if err != nil {
		return "", fmt.Errorf("encode outbox message: %w", err)
	}
	return string(args), nil
}

// enqueueRows is how many messages one INSERT queues at most: a
// submission's rep DMs and receipt go in one statement, a Monday's 2,000
// nudges in 63, not 2,000 (8 parameters a row, far below either engine's
// limit; a statement text per count, up to this many, is cached).
const enqueueRows = 32

// enqueueSQL holds the INSERT for each count of rows, 1 to enqueueRows,
// written once rather than on every submission's write.
var enqueueSQL = func() (qs [enqueueRows + 1]string) {
	for n := 1; n <= enqueueRows; n++ {
		qs[n] = `INSERT INTO outbox (kind, op, msg_key, recipient, args, payload, next_at, created_at) VALUES ` +
			strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?), `, n-1) + `(?, ?, ?, ?, ?, ?, ?, ?)`
	}
	return qs
}()

// Enqueue queues messages for delivery in the caller's transaction.
func (t *tx) Enqueue(ctx context.Context, msgs ...coaching.Message) error {
	now := t.now()
	for len(msgs) > 0 {
		chunk := msgs[:min(len(msgs), enqueueRows)]
		msgs = msgs[len(chunk):]
		vals := make([]any, 0, 8*len(chunk))
		for _, m := range chunk {
			args, err := encodeArgs(m)
			if err != nil {
				return err
			}
			vals = append(vals, m.Kind, m.Op, m.Key, m.To, args, string(m.Payload), now, now)
		}
		if _, err := t.q.ExecContext(ctx, enqueueSQL[len(chunk)], vals...); err != nil {
			m := chunk[0]
			return fmt.Errorf("queue %d messages (the first %s %s for %s): %w", len(chunk), m.Op, m.Kind, m.To, err)
		}
	}
	return nil
}

// RerouteOutbox rewrites a queued message to be delivered as m instead: a
// response whose response_url Slack no longer takes goes on by its
// fallback route, and a retry or a restart never tries the dead URL again
// (nor keeps it, a secret, any longer). Like every write of a worker's
// bookkeeping, it applies only while owner's claim holds the message
// (see heldBy): false, and nothing written, when it does not.
func (s *Store) RerouteOutbox(ctx context.Context, id int64, owner string, m coaching.Message) (bool, error) {
	args, err := encodeArgs(m)
	if err != nil {
		return false, err
	}
	res, err := s.execW(ctx, `UPDATE outbox SET kind = ?, op = ?, msg_key = ?, recipient = ?, args = ?, payload = ? WHERE id = ?`+heldBy,
		m.Kind, m.Op, m.Key, m.To, args, string(m.Payload), id, owner)
	return applied(res, err, "reroute outbox row %d", id)
}

// heldBy ends the WHERE of each write a worker makes about a message it
// claimed (marked sent, failed, superseded, retried, put back, rerouted):
// it applies only while the message is still in the worker's claim, the
// last claim of it having set lease_owner. A worker that stalled (a GC
// pause, a network stall) past its lease, while another worker took the
// message, must not then mark it failed when the other has sent it, nor
// put it back (releasing the other's lease) while the other sends it. A
// lease that ran out with nobody taking the message is still its owner's:
// the owner's record of a delivery then still lands. Its one argument is
// the owner, last.
const heldBy = ` AND lease_owner = ?`

// applied reads an owner-bound write's result: whether it changed the row.
func applied(res sql.Result, err error, format string, id int64) (bool, error) {
	if err != nil {
		return false, fmt.Errorf(format+": %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf(format+": %w", id, err)
	}
	return n == 1, nil
}

// ClaimOutbox leases up to limit pending messages whose time has come, oldest
// first, to owner for leaseFor: another worker (the bot's, a command's)
// skips them until the lease ends, so no two send the same row. A lease
// left by a crashed process simply expires. With keys, only messages with
// those keys are taken.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, limit int, keys []string) ([]coaching.OutboxItem, error) {
	return s.claim(ctx, owner, now, leaseFor, []lane{{limit: limit}}, keys)
}

// ClaimOutboxLanes is ClaimOutbox with a limit per op: a worker takes only
// as many messages of each op as Slack's limits let it send now, so none is
// claimed merely to be put back. Within an op, the due messages someone is
// waiting for (a rep's DM, a reply to their click, a dispute's notice) go
// first, then the bulk that scheduled jobs queue and managers' receipts
// (coaching.DeferredKinds), each side in the order it came due: a rep's DM
// queued during Monday's 2,000 nudges is taken at the next claim, not
// after them, and a rep's click is answered ahead of a burst of receipts
// queued by response_url before it. Bulk messages take whatever
// room urgent ones leave, so they wait only while urgent messages fill the
// whole of Slack's rate for the op (300 posts a minute): people do not
// log sessions that fast. Each side is a seek in its own index
// (outbox_urgent, outbox_bulk), so a claim reads only the rows it takes,
// however deep the backlog. Ops not in lanes are not taken.
func (s *Store) ClaimOutboxLanes(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, lanes map[coaching.Op]int, keys []string) ([]coaching.OutboxItem, error) {
	ls := laneList(lanes)
	if len(ls) == 0 {
		return nil, nil
	}
	return s.claim(ctx, owner, now, leaseFor, ls, keys)
}

// laneList lists the lanes with room, by op: one statement text per set of
// lanes, for the statement cache.
func laneList(lanes map[coaching.Op]int) []lane {
	ops := make([]coaching.Op, 0, len(lanes))
	for op, n := range lanes {
		if n > 0 {
			ops = append(ops, op)
		}
	}
	slices.Sort(ops)
	ls := make([]lane, len(ops))
	for i, op := range ops {
		ls[i] = lane{op: string(op), limit: lanes[op]}
	}
	return ls
}

// lane is one part of a claim: the due messages of op (any op when ""), up
// to limit.
type lane struct {
	op    string
	limit int
}

// dueTerms select pending messages due at now and not leased: two
// arguments, now and now.
const dueTerms = `status = 'pending' AND next_at <= ? AND lease_until <= ?`

// dueFor is dueWhere (limited to keys, if any) with its arguments.
func dueFor(now time.Time, keys []string) (string, []any) {
	filter, kargs := keyFilter(keys)
	return dueWhere + filter, append([]any{ms(now), ms(now)}, kargs...)
}

// laneSides are the two halves of a lane, each the WHERE of its index.
var laneSides = [2]string{urgentTerm, bulkTerm}

// dueWhere selects pending messages due at now and not leased. An update
// is not due while the post it updates is still queued: it would only be
// put back, again and again, until the post is out. That post is sought by
// its key: the term on p.msg_key not being empty states outbox_key's
// partial WHERE, so SQLite may use it.
const dueWhere = dueTerms + `
	AND NOT (op = 'update' AND EXISTS (SELECT 1 FROM outbox p WHERE p.msg_key = o.msg_key AND p.msg_key <> '' AND p.op = 'post' AND p.status = 'pending'))`

// urgentTerm and bulkTerm split a lane in two. They must read term for
// term as the WHERE of migration 0011's partial indexes (SQLite uses a
// partial index only then), so the kinds are literals, in the order of
// coaching.DeferredKinds, which is the order of the migration's list.
var (
	urgentTerm = `kind NOT IN ` + sqlList(coaching.DeferredKinds)
	bulkTerm   = `kind IN ` + sqlList(coaching.DeferredKinds)
)

// sqlList writes kinds as an SQL list of literals. The kinds are the
// code's own constants, never input.
func sqlList(kinds []coaching.MessageKind) string {
	quoted := make([]string, len(kinds))
	for i, k := range kinds {
		quoted[i] = `'` + strings.ReplaceAll(string(k), `'`, `''`) + `'`
	}
	return `(` + strings.Join(quoted, `, `) + `)`
}

func (s *Store) claim(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, lanes []lane, keys []string) ([]coaching.OutboxItem, error) {
	// A look on a reader first: most passes find nothing due in their
	// lanes, and those must not queue for the writer the acks need.
	look, largs := lookStatement(now, lanes, keys)
	var found bool
	if err := s.rq.QueryRowContext(ctx, look, largs...).Scan(&found); err != nil || !found {
		return nil, err
	}
	q, args := s.claimStatement(owner, now, leaseFor, lanes, keys)
	var out []coaching.OutboxItem
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		out = out[:0] // a retried claim starts over
		rows, err := t.q.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		if out, err = scanAll(rows, out); err != nil {
			return err
		}
		return claimSiblings(ctx, t, owner, now, leaseFor, &out)
	})
	// Sent in this order: what someone waits for first, the rest by age.
	slices.SortFunc(out, func(a, b coaching.OutboxItem) int {
		return cmp.Or(compareBool(a.Message.Kind.Deferred(), b.Message.Kind.Deferred()), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// claimStatement is the one statement that leases a claim's rows and
// returns them. Without keys each lane seeks its op's due rows in the
// indexes: its urgent rows first (a WITH query, u<i>), then as many bulk
// rows as the lane's limit leaves, so it takes exactly its limit, never
// more to give back. With keys (a command delivering what it queued: a few
// thousand at most) the due rows are named once, so the keys are bound
// once, not once a lane: SQLite takes at most 32,766 parameters.
func (s *Store) claimStatement(owner string, now time.Time, leaseFor time.Duration, lanes []lane, keys []string) (string, []any) {
	due, dargs := dueFor(now, keys)
	var ctes []string
	var args []any // the WITH queries' arguments, which come first
	from, laneArgs := `outbox o WHERE `+due, dargs
	lock := s.skipLocked() // another replica's claim skips what this one takes
	if len(keys) > 0 {
		// The rows are locked where they are named (on PostgreSQL a
		// WITH query itself cannot be locked).
		ctes = append(ctes, `due AS (SELECT id, op, kind, next_at FROM outbox o WHERE `+due+lock+`)`)
		args = append(args, dargs...)
		from, laneArgs, lock = `due WHERE 1 = 1`, nil, ``
	}
	var parts []string
	var partArgs []any
	for i, l := range lanes {
		if l.op == "" {
			parts = append(parts, fmt.Sprintf(`SELECT id FROM (SELECT id FROM %s ORDER BY id LIMIT ?%s) AS l%d`, from, lock, i))
			partArgs = append(append(partArgs, laneArgs...), l.limit)
			continue
		}
		ctes = append(ctes, fmt.Sprintf(`u%d AS (SELECT id FROM %s AND op = ? AND %s ORDER BY next_at, id LIMIT ?%s)`,
			i, from, urgentTerm, lock))
		args = append(append(args, laneArgs...), l.op, l.limit)
		// The bulk side's own LIMIT is an expression PostgreSQL cannot
		// know when it plans; the outer LIMIT, a parameter, tells it the
		// side is at most the lane's limit, so the UPDATE finds its rows
		// by id instead of scanning the table to hash them.
		parts = append(parts, fmt.Sprintf(`SELECT id FROM u%d`, i),
			fmt.Sprintf(`SELECT id FROM (SELECT id FROM (SELECT id FROM %s AND op = ? AND %s ORDER BY next_at, id LIMIT ? - (SELECT count(*) FROM u%d)%s) AS b LIMIT ?) AS b%d`,
				from, bulkTerm, i, lock, i))
		partArgs = append(append(partArgs, laneArgs...), l.op, l.limit, l.limit)
	}
	with := ``
	if len(ctes) > 0 {
		with = `WITH ` + strings.Join(ctes, `, `) + ` `
	}
	args = append(append(args, owner, ms(now.Add(leaseFor))), partArgs...)
	return with + `UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN (` + strings.Join(parts, ` UNION ALL `) + `)
		RETURNING id, kind, op, msg_key, recipient, args, payload, attempts, created_at`, args
}

// lookStatement asks whether any message is due in lanes (with keys: one
// of those). Limited to ops, it looks in each side's index, outbox_urgent
// and outbox_bulk, whose WHERE it states: a seek to the first due row of
// each op, however many rows of other ops are due (Monday's 2,000 nudges
// when only updates have room).
func lookStatement(now time.Time, lanes []lane, keys []string) (string, []any) {
	due, dargs := dueFor(now, keys)
	ops := laneOps(lanes)
	if len(ops) == 0 {
		return `SELECT EXISTS (SELECT 1 FROM outbox o WHERE ` + due + `)`, dargs
	}
	in := `op IN (?` + strings.Repeat(`, ?`, len(ops)-1) + `)`
	var sides []string
	var args []any
	for _, side := range laneSides {
		sides = append(sides, `EXISTS (SELECT 1 FROM outbox o WHERE `+in+` AND `+side+` AND `+due+`)`)
		args = append(append(args, ops...), dargs...)
	}
	return `SELECT ` + strings.Join(sides, ` OR `), args
}

// laneOps lists the ops lanes are limited to; none when a lane takes any.
func laneOps(lanes []lane) []any {
	ops := make([]any, 0, len(lanes))
	for _, l := range lanes {
		if l.op == "" {
			return nil
		}
		ops = append(ops, l.op)
	}
	return ops
}

func scanAll(rows *sql.Rows, out []coaching.OutboxItem) ([]coaching.OutboxItem, error) {
	defer rows.Close()
	for rows.Next() {
		it, err := scanOutbox(rows)
		if err != nil {
			return out, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// claimSiblings adds to a claim the other due updates of the messages it
// updates, and the other due publishes of the Homes it publishes: the
// worker sends only the last of them (each renders the state current at
// delivery) and closes the rest. A claim limited to the one or two updates
// chat.update's Tier 3 allows a second would otherwise send every one.
func claimSiblings(ctx context.Context, t *tx, owner string, now time.Time, leaseFor time.Duration, out *[]coaching.OutboxItem) error {
	var keys, homes []string
	for _, it := range *out {
		switch {
		case (it.Message.Op == coaching.OpUpdate || it.Message.Op == coaching.OpRespond) && it.Message.Key != "":
			keys = append(keys, it.Message.Key)
		case it.Message.Op == coaching.OpPublish:
			homes = append(homes, it.Message.To)
		}
	}
	q, args := siblingsStatement(owner, now, leaseFor, keys, homes)
	if q == "" {
		return nil
	}
	rows, err := t.q.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("claim outbox: the messages' later versions: %w", err)
	}
	*out, err = scanAll(rows, *out)
	return err
}

// siblingsStatement leases the due updates and responses of keys and the
// due publishes of homes; "" when both are empty (an empty key is no
// sibling: a manager's receipts, responses with no key, all have it).
// Each list is its own seek: the keys in outbox_key (the term on msg_key
// not being empty states its WHERE), the homes by op in outbox_urgent and
// outbox_bulk. As one WHERE joined by OR they were a walk through every
// due message of every op in outbox_pending, on the writer: Monday's
// 2,000 due nudges for each claim that took a rep's update. The due terms
// are stated again outside the subqueries so that, on PostgreSQL, a row
// another replica leased meanwhile is checked again against them.
func siblingsStatement(owner string, now time.Time, leaseFor time.Duration, keys, homes []string) (string, []any) {
	dueArgs := []any{ms(now), ms(now)}
	var parts []string
	var args []any
	if len(keys) > 0 {
		marks, kargs := inArgs(keys)
		parts = append(parts, `SELECT id FROM outbox WHERE msg_key IN (`+marks+`) AND msg_key <> '' AND op IN ('update', 'respond') AND `+dueTerms)
		args = append(append(args, kargs...), dueArgs...)
	}
	if len(homes) > 0 {
		marks, hargs := inArgs(homes)
		for _, side := range laneSides {
			parts = append(parts, `SELECT id FROM outbox WHERE op = 'publish' AND `+side+` AND recipient IN (`+marks+`) AND `+dueTerms)
			args = append(append(args, hargs...), dueArgs...)
		}
	}
	if len(parts) == 0 {
		return "", nil
	}
	args = append(append([]any{owner, ms(now.Add(leaseFor))}, args...), dueArgs...)
	return `UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN (` + strings.Join(parts, ` UNION ALL `) + `) AND ` + dueTerms + `
		RETURNING id, kind, op, msg_key, recipient, args, payload, attempts, created_at`, args
}

func keyFilter(keys []string) (string, []any) {
	if len(keys) == 0 {
		return "", nil
	}
	marks, args := inArgs(keys)
	return ` AND msg_key IN (` + marks + `)`, args
}

func scanOutbox(rows *sql.Rows) (coaching.OutboxItem, error) {
	var it coaching.OutboxItem
	var args, payload string
	var created int64
	m := &it.Message
	if err := rows.Scan(&it.ID, &m.Kind, &m.Op, &m.Key, &m.To, &args, &payload, &it.Attempts, &created); err != nil {
		return it, fmt.Errorf("read outbox: %w", err)
	}
	var a outboxArgs
	if err := json.Unmarshal([]byte(args), &a); err != nil {
		return it, fmt.Errorf("read outbox row %d: %w", it.ID, err)
	}
	m.SessionID, m.RepID, m.ResponseURL, m.Replace, m.ThreadKey, m.ThreadTS = a.SessionID, a.RepID, a.ResponseURL, a.Replace, a.ThreadKey, a.ThreadTS
	m.ResponseAt = fromMS(a.ResponseAt)
	if payload != "" {
		m.Payload = []byte(payload)
	}
	it.CreatedAt = fromMS(created)
	return it, nil
}

// The outbox keeps its rows (ScrubOutbox empties them, nothing deletes
// them), so a lookup by key must seek outbox_key, a partial index: SQLite
// and PostgreSQL use it only when the query states its WHERE (the key is
// not empty) as a term of its own. Without it these were scans of the
// whole table (or, for the pending updates, of every pending update) each
// time.
const (
	outboxStatusQuery   = `SELECT msg_key, status FROM outbox WHERE msg_key <> ''`
	postStatusQuery     = `SELECT status FROM outbox WHERE msg_key = ? AND msg_key <> '' AND op = 'post' ORDER BY id DESC LIMIT 1`
	pendingUpdatesQuery = `SELECT id FROM outbox WHERE msg_key = ? AND msg_key <> '' AND op = 'update' AND status = 'pending'
		AND coalesce(payload, '') = '' ORDER BY id`
)

// OutboxStatus reports the delivery state of the newest message queued
// under each key: pending, sent, failed or superseded.
func (s *Store) OutboxStatus(ctx context.Context, keys []string) (map[string]string, error) {
	filter, args := keyFilter(keys)
	rows, err := s.rq.QueryContext(ctx, outboxStatusQuery+filter+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox status: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, st string
		if err := rows.Scan(&k, &st); err != nil {
			return nil, err
		}
		out[k] = st
	}
	return out, rows.Err()
}

// NextOutboxAt returns when the next pending message (with keys: one of
// those) can be taken, if any is pending. It reads the unleased messages in
// the order they come due (the outbox_pending index), so it costs the same
// however deep the backlog; a message whose lease expired unreleased (its
// worker died) is seen only when no unleased one is due, which delays
// it by at most one of the worker's one-second passes. When none is due,
// the leased ones ahead of the first are read too: a message put back for
// its slot in its place (PostponeInPlace) waits for the lease's end, and
// is taken when its slot comes, not at some later pass.
func (s *Store) NextOutboxAt(ctx context.Context, keys []string) (time.Time, bool, error) {
	filter, args := keyFilter(keys)
	var next int64
	err := s.rq.QueryRowContext(ctx, `SELECT next_at FROM outbox WHERE status = 'pending' AND lease_until <= next_at`+filter+`
		ORDER BY next_at LIMIT 1`, args...).Scan(&next)
	if err == nil {
		if next <= ms(s.now()) {
			return fromMS(next), true, nil
		}
		// Nothing unleased is due: those leased are the messages in
		// flight and those held for their slots, ahead of it in the index.
		var held sql.NullInt64
		if err := s.rq.QueryRowContext(ctx, `SELECT min(lease_until) FROM outbox WHERE status = 'pending' AND next_at < ? AND lease_until > next_at`+filter,
			append([]any{next}, args...)...).Scan(&held); err != nil {
			return time.Time{}, false, fmt.Errorf("read outbox: %w", err)
		}
		if held.Valid && held.Int64 < next {
			next = held.Int64
		}
		return fromMS(next), true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, fmt.Errorf("read outbox: %w", err)
	}
	var leased sql.NullInt64
	if err := s.rq.QueryRowContext(ctx, `SELECT min(lease_until) FROM outbox WHERE status = 'pending'`+filter,
		args...).Scan(&leased); err != nil {
		return time.Time{}, false, fmt.Errorf("read outbox: %w", err)
	}
	return fromMS(leased.Int64), leased.Valid, nil
}

// MarkSent records a delivery; for a post, where the message now lives, in
// the same transaction so that an update never misses its ts. Only while
// owner's claim holds the message (see heldBy): false, and nothing
// written, when another worker has taken it since.
func (s *Store) MarkSent(ctx context.Context, id int64, owner, key string, posted *coaching.Posted, covered ...int64) (bool, error) {
	var held bool
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		now := t.now()
		res, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'sent', done_at = ?, attempts = attempts + 1, last_error = '', lease_until = 0
			WHERE id = ?`+heldBy, now, id, owner)
		if held, err = applied(res, err, "mark outbox row %d sent", id); err != nil || !held {
			return err
		}
		if posted == nil || key == "" {
			return nil
		}
		_, err = t.q.ExecContext(ctx, `INSERT INTO slack_messages (msg_key, channel, ts, posted_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (msg_key) DO UPDATE SET channel = excluded.channel, ts = excluded.ts`, key, posted.Channel, posted.TS, now)
		if err != nil {
			return fmt.Errorf("remember message %s: %w", key, err)
		}
		for _, u := range covered {
			if _, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'superseded', done_at = ?, lease_until = 0
				WHERE id = ? AND msg_key = ? AND op = 'update' AND status = 'pending'`, now, u, key); err != nil {
				return fmt.Errorf("mark update %d of %s shown by its post: %w", u, key, err)
			}
		}
		return nil
	})
	return held && err == nil, err
}

// PendingUpdates lists the queued updates of the message key that render
// its state when sent: those with a payload of their own are left out.
func (s *Store) PendingUpdates(ctx context.Context, key string) ([]int64, error) {
	rows, err := s.rq.QueryContext(ctx, pendingUpdatesQuery, key)
	if err != nil {
		return nil, fmt.Errorf("read queued updates of %s: %w", key, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read queued updates of %s: %w", key, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read queued updates of %s: %w", key, err)
	}
	return ids, nil
}

// MarkRetry schedules another attempt, while owner's claim holds the
// message (see heldBy).
func (s *Store) MarkRetry(ctx context.Context, id int64, owner string, next time.Time, reason string) (bool, error) {
	res, err := s.execW(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ?, lease_until = 0 WHERE id = ?`+heldBy,
		ms(next), reason, id, owner)
	return applied(res, err, "reschedule outbox row %d", id)
}

// Postpone moves a message later without counting an attempt (it waits for
// something else, such as a 429's Retry-After), while owner's claim holds
// it (see heldBy).
func (s *Store) Postpone(ctx context.Context, id int64, owner string, next time.Time) (bool, error) {
	res, err := s.execW(ctx, `UPDATE outbox SET next_at = ?, lease_until = 0 WHERE id = ?`+heldBy, ms(next), id, owner)
	return applied(res, err, "postpone outbox row %d", id)
}

// PostponeInPlace keeps a message from going before next, as Postpone
// does, but in its place in line: the claim's lease is moved to next and
// the message's next_at, by which claims take the due messages of a lane
// in turn, stays. A message waiting a second or two for its channel's
// slot, or for the post it replies under, goes when that comes, ahead of
// what its lane queued meanwhile; moved to next, it went behind all of
// it: a digest's reply waiting for its channel's second went after every
// rep reminder queued during the thread, and the thread stopped halfway
// for minutes. The lease ends at next as any lease does: the message is
// anyone's to take then (and at once once its worker gives its leases
// back, stopping), as a message due. While owner's claim holds it (see
// heldBy).
func (s *Store) PostponeInPlace(ctx context.Context, id int64, owner string, next time.Time) (bool, error) {
	res, err := s.execW(ctx, `UPDATE outbox SET lease_until = ? WHERE id = ? AND status = 'pending'`+heldBy, ms(next), id, owner)
	return applied(res, err, "postpone outbox row %d in place", id)
}

// MarkFailed gives up on a message, leaving it visibly failed, while
// owner's claim holds it (see heldBy).
func (s *Store) MarkFailed(ctx context.Context, id int64, owner, reason string) (bool, error) {
	res, err := s.execW(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, done_at = ?, lease_until = 0
		WHERE id = ?`+heldBy, reason, ms(s.now()), id, owner)
	return applied(res, err, "mark outbox row %d failed", id)
}

// MarkSuperseded closes a message made redundant by a later one for the
// same Slack message, while owner's claim holds it (see heldBy).
func (s *Store) MarkSuperseded(ctx context.Context, id int64, owner string) (bool, error) {
	res, err := s.execW(ctx, `UPDATE outbox SET status = 'superseded', done_at = ?, lease_until = 0 WHERE id = ?`+heldBy,
		ms(s.now()), id, owner)
	return applied(res, err, "mark outbox row %d superseded", id)
}

// ExtendLease moves the lease owner holds on a pending message to until;
// false when owner no longer holds it (it expired and another worker took
// it, or the message is done).
func (s *Store) ExtendLease(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	res, err := s.execW(ctx, `UPDATE outbox SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'pending'`,
		ms(until), id, owner)
	if err != nil {
		return false, fmt.Errorf("extend the lease on outbox row %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("extend the lease on outbox row %d: %w", id, err)
	}
	return n == 1, nil
}

// ReleaseLeases gives back the pending messages owner still holds.
func (s *Store) ReleaseLeases(ctx context.Context, owner string) error {
	_, err := s.execW(ctx, `UPDATE outbox SET lease_until = 0, lease_owner = ''
		WHERE lease_owner = ? AND status = 'pending' AND lease_until > 0`, owner)
	if err != nil {
		return fmt.Errorf("release outbox leases of %s: %w", owner, err)
	}
	return nil
}

// LeaseOwners lists the workers holding leases on pending messages at now.
func (s *Store) LeaseOwners(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.rq.QueryContext(ctx, `SELECT DISTINCT lease_owner FROM outbox WHERE status = 'pending' AND lease_until > ?`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("read outbox lease owners: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, fmt.Errorf("read outbox lease owners: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// PostedKeys says which of keys have a message in Slack: a post the
// sender withheld (it had nothing to show when it went) is marked sent
// and has none. `coachlog nudge` counts by it what it delivered.
func (s *Store) PostedKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	marks, args := inArgs(keys)
	rows, err := s.rq.QueryContext(ctx, `SELECT msg_key FROM slack_messages WHERE msg_key IN (`+marks+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read posted messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// PostedMessage returns where the message posted under key lives.
func (s *Store) PostedMessage(ctx context.Context, key string) (coaching.Posted, bool, error) {
	var p coaching.Posted
	err := s.rq.QueryRowContext(ctx, `SELECT channel, ts FROM slack_messages WHERE msg_key = ?`, key).Scan(&p.Channel, &p.TS)
	if errors.Is(err, sql.ErrNoRows) {
		return coaching.Posted{}, false, nil
	}
	if err != nil {
		return coaching.Posted{}, false, fmt.Errorf("read message %s: %w", key, err)
	}
	return p, true, nil
}

// PostStatus reports the state of the post queued under key: "" when none was
// queued, else pending, sent or failed.
func (s *Store) PostStatus(ctx context.Context, key string) (string, error) {
	var st string
	err := s.rq.QueryRowContext(ctx, postStatusQuery, key).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read post status %s: %w", key, err)
	}
	return st, nil
}

// QueuedMessage is a message queued under a key: where it goes (or went)
// and, once it failed for good, why, as the worker recorded it
// ("chat.postMessage: channel_not_found").
type QueuedMessage struct {
	Key    string
	To     string
	Reason string
}

// RequeueFailed puts back in the queue, due now and as if never tried,
// the failed messages queued under key and under the keys of its thread
// ("key:1", "key:2"...), and returns them as they failed (To is where they
// were queued for then), oldest first. It is for a message Slack refused
// for a reason someone has since mended (a digest channel the bot was not
// in, or the wrong channel): what never reached Slack is sent then, and
// what was sent stays as it is. They go to the channel to (the one
// configured or asked for now: the one they failed in may be the mistake),
// unless key's own message was posted: its thread lives in that channel,
// and a reply goes there whatever to says. An empty to keeps the channel
// each was queued for. It reads the failed messages' own index
// (outbox_failed), whatever the outbox keeps.
func (s *Store) RequeueFailed(ctx context.Context, key, to string) ([]QueuedMessage, error) {
	var out []QueuedMessage
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		var found []QueuedMessage
		rows, err := t.q.QueryContext(ctx, `SELECT id, msg_key, recipient, last_error FROM outbox
			WHERE status = 'failed' AND `+underKey+` ORDER BY id`, underKeyArgs(key)...)
		if err != nil {
			return fmt.Errorf("read the failed messages of %s: %w", key, err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			var f QueuedMessage
			if err := rows.Scan(&id, &f.Key, &f.To, &f.Reason); err != nil {
				rows.Close()
				return fmt.Errorf("read the failed messages of %s: %w", key, err)
			}
			ids, found = append(ids, id), append(found, f)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("read the failed messages of %s: %w", key, err)
		}
		var thread string
		switch err := t.q.QueryRowContext(ctx, `SELECT channel FROM slack_messages WHERE msg_key = ?`, key).Scan(&thread); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("read where %s was posted: %w", key, err)
		default:
			to = thread
		}
		for i, id := range ids {
			dest := to
			if dest == "" {
				dest = found[i].To
			}
			if _, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?, last_error = '',
				done_at = 0, lease_until = 0, lease_owner = '', recipient = ? WHERE id = ? AND status = 'failed'`, t.now(), dest, id); err != nil {
				return fmt.Errorf("requeue outbox row %d: %w", id, err)
			}
		}
		out = found // a retried transaction reports its last attempt
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MessagesUnder returns the messages queued under key and under the keys
// of its thread ("key:1", "key:2"...) whose status is status (pending,
// failed), oldest first: what `coachlog digest` says of a week it
// delivers, or that failed, and why.
func (s *Store) MessagesUnder(ctx context.Context, key, status string) ([]QueuedMessage, error) {
	rows, err := s.rq.QueryContext(ctx, `SELECT msg_key, recipient, last_error FROM outbox
		WHERE status = ? AND `+underKey+` ORDER BY id`, append([]any{status}, underKeyArgs(key)...)...)
	if err != nil {
		return nil, fmt.Errorf("read the %s messages of %s: %w", status, key, err)
	}
	defer rows.Close()
	var out []QueuedMessage
	for rows.Next() {
		var m QueuedMessage
		if err := rows.Scan(&m.Key, &m.To, &m.Reason); err != nil {
			return nil, fmt.Errorf("read the %s messages of %s: %w", status, key, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// underKey selects the outbox rows of a message key and of its thread's
// keys ("key:1", "key:2"...), with underKeyArgs(key).
const underKey = `(msg_key = ? OR substr(msg_key, 1, ?) = ?)`

func underKeyArgs(key string) []any {
	thread := key + ":"
	return []any{key, len(thread), thread}
}

// PendingUnder returns the keys of the pending messages queued under key
// and under the keys of its thread ("key:1", "key:2"...), oldest first: a
// digest's messages an earlier run queued and did not deliver (stopped by
// a token Slack refused, or by Ctrl-C), for the next run to deliver.
func (s *Store) PendingUnder(ctx context.Context, key string) ([]string, error) {
	rows, err := s.rq.QueryContext(ctx, `SELECT msg_key FROM outbox
		WHERE status = 'pending' AND `+underKey+` ORDER BY id`, underKeyArgs(key)...)
	if err != nil {
		return nil, fmt.Errorf("read the pending messages of %s: %w", key, err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("read the pending messages of %s: %w", key, err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// OutboxStats summarises the outbox for metrics.
type OutboxStats struct {
	Pending int
	// Failed counts the messages that failed for good since the time
	// OutboxStats was given, by when they failed (done_at): the rows are
	// kept for ever, so a count of them all never went down, and an alert
	// on it never cleared.
	Failed int
}

// outboxStatsQuery counts pending and recently failed messages, each in
// its own partial index (outbox_pending; outbox_failed_at, a range by when
// they failed): read at every scrape, it must not grow with the rows the
// outbox keeps, failed ones included.
const outboxStatsQuery = `SELECT
	(SELECT count(*) FROM outbox WHERE status = 'pending'),
	(SELECT count(*) FROM outbox WHERE status = 'failed' AND done_at >= ?)`

// OutboxStats reads the outbox's depth, and the messages that failed for
// good at failedSince or later.
func (s *Store) OutboxStats(ctx context.Context, failedSince time.Time) (OutboxStats, error) {
	var st OutboxStats
	err := s.rq.QueryRowContext(ctx, outboxStatsQuery, ms(failedSince)).Scan(&st.Pending, &st.Failed)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("read outbox stats: %w", err)
	}
	return st, nil
}

// OldestPending returns when the oldest undelivered message was queued,
// zero when none is. It reads only pending rows (the outbox_pending
// index), so /healthz can ask it every few seconds.
func (s *Store) OldestPending(ctx context.Context) (time.Time, error) {
	var oldest sql.NullInt64
	if err := s.rq.QueryRowContext(ctx, `SELECT min(created_at) FROM outbox WHERE status = 'pending'`).Scan(&oldest); err != nil {
		return time.Time{}, fmt.Errorf("read the oldest pending message: %w", err)
	}
	return fromMS(oldest.Int64), nil
}

// KindFailures sums up the delivery of one kind of message over a window.
type KindFailures struct {
	Kind   coaching.MessageKind
	Failed int // failed for good
	// Failing says the latest of these messages to finish failed: none of
	// the kind was delivered after it.
	Failing bool
}

// RecentFailures reports, for each of kinds with a message that failed for
// good since since, how many failed and whether the kind is still
// failing. They are counted by when they failed (done_at), as
// coachlog_outbox_failed is, a range of outbox_failed_at: counted by when
// they were queued, a message held for hours (a missing scope, an
// Enterprise migration, a long backlog) that failed for good a day after
// it was queued was never counted. A kind is failing while none of it was
// delivered at or after its latest failure; only when one failed are the
// delivered ones looked for, from the newest back (the primary key) to the
// first queued since since or with the window's failures, whichever came
// first, so the cost is those rows, not the table's.
func (s *Store) RecentFailures(ctx context.Context, kinds []coaching.MessageKind, since time.Time) ([]KindFailures, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(kinds)+1)
	for _, k := range kinds {
		args = append(args, string(k))
	}
	out, lastFailed, from, err := s.failedSince(ctx, args, since)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	var windowFrom sql.NullInt64
	if err := s.rq.QueryRowContext(ctx, `SELECT id FROM outbox WHERE created_at < ? ORDER BY id DESC LIMIT 1`,
		ms(since)).Scan(&windowFrom); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read recent outbox failures: %w", err)
	}
	from = min(from, windowFrom.Int64+1)
	lastSent := map[coaching.MessageKind]int64{}
	rows, err := s.rq.QueryContext(ctx, recentSentQuery(len(kinds)), append([]any{from}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("read recent outbox failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k coaching.MessageKind
		var at int64
		if err := rows.Scan(&k, &at); err != nil {
			return nil, fmt.Errorf("read recent outbox failures: %w", err)
		}
		lastSent[k] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read recent outbox failures: %w", err)
	}
	for i := range out {
		out[i].Failing = lastFailed[i] > lastSent[out[i].Kind]
	}
	return out, nil
}

// failedSince counts the messages of the kinds (as arguments) that failed
// for good since since, by kind, with when each kind's latest failed and
// the least id among them.
func (s *Store) failedSince(ctx context.Context, kinds []any, since time.Time) (out []KindFailures, lastFailed []int64, from int64, err error) {
	rows, err := s.rq.QueryContext(ctx, recentFailedQuery(len(kinds)), append([]any{ms(since)}, kinds...)...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("read recent outbox failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k KindFailures
		var last, first int64
		if err := rows.Scan(&k.Kind, &k.Failed, &last, &first); err != nil {
			return nil, nil, 0, fmt.Errorf("read recent outbox failures: %w", err)
		}
		if len(out) == 0 || first < from {
			from = first
		}
		out, lastFailed = append(out, k), append(lastFailed, last)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, fmt.Errorf("read recent outbox failures: %w", err)
	}
	return out, lastFailed, from, nil
}

// recentFailedQuery counts, for n kinds, the messages that failed for good
// since a time, a range of outbox_failed_at, with the latest done_at and
// the least id of each kind's. Its arguments: the time, the n kinds.
func recentFailedQuery(n int) string {
	return `SELECT kind, count(*), max(done_at), min(id) FROM outbox
		WHERE status = 'failed' AND done_at >= ? AND kind IN (?` + strings.Repeat(", ?", n-1) + `)
		GROUP BY kind ORDER BY kind`
}

// recentSentQuery reads, for n kinds, when the latest message of each was
// delivered, among those from an id on (a range of the primary key). Its
// arguments: the id, the n kinds.
func recentSentQuery(n int) string {
	return `SELECT kind, max(done_at) FROM outbox
		WHERE id >= ? AND kind IN (?` + strings.Repeat(", ?", n-1) + `) AND status = 'sent'
		GROUP BY kind`
}

// digestPrefix begins the keys of a digest's messages (coaching.DigestKey).
const digestPrefix = coaching.DigestJob + ":"

// digestHeadlineLen is the length of a digest headline's key (an ISO
// week's is always 8 characters: 2026-W47); its replies' are longer.
var digestHeadlineLen = len(coaching.DigestKey(coaching.Week{Year: 2026, Week: 47}, 0))

// scrubBatch is how many ids one scrubbing write covers: a short write,
// so that acks waiting for the writer barely notice it.
const scrubBatch = 2000

// ScrubOutbox empties, in messages queued before cutoff and no longer
// pending, what only their delivery needed and nobody should keep: the
// response_url (a secret that posts into someone's conversation) and the
// rendered payload, which can hold what a manager wrote. The rows stay,
// for delivery status and failure counts. A digest's message that failed
// keeps both: `coachlog digest` sends it again once the cause is mended
// (RequeueFailed), days later maybe, and emptied it had nothing to render
// and its chart no thread. What it holds is what its channel was to read,
// never a private note; the scrub's cursor passes it, so it keeps them
// once sent too. A digest's headline (its key with no reply's number:
// digest:2026-W47) keeps both as well, a few kilobytes a week: deleted in
// its channel later, it is posted again by RepostThread, which needs its
// text and counts its reposts in its args. It works through ids above
// after, a batch per write, and returns the last id it covered, for the
// next call to start from. The cursor stops below the oldest message still
// pending, so that one is scrubbed by a later pass once it is done rather
// than skipped for ever.
func (s *Store) ScrubOutbox(ctx context.Context, cutoff time.Time, after int64) (int64, error) {
	var last, pending sql.NullInt64
	if err := s.rq.QueryRowContext(ctx, `SELECT max(id), min(CASE WHEN status = 'pending' THEN id END)
		FROM outbox WHERE id > ? AND created_at < ?`, after, ms(cutoff)).Scan(&last, &pending); err != nil {
		return after, fmt.Errorf("scrub outbox: %w", err)
	}
	if pending.Valid {
		last.Int64 = pending.Int64 - 1
		last.Valid = last.Int64 > after
	}
	for from := after; last.Valid && from < last.Int64; from += scrubBatch {
		to := min(from+scrubBatch, last.Int64)
		if _, err := s.execW(ctx, `UPDATE outbox SET args = '{}', payload = ''
			WHERE id > ? AND id <= ? AND status <> 'pending' AND (args <> '{}' OR payload <> '')
				AND NOT (status = 'failed' AND substr(msg_key, 1, ?) = ?)
				AND NOT (op = 'post' AND substr(msg_key, 1, ?) = ? AND length(msg_key) = ?)`,
			from, to, len(digestPrefix), digestPrefix, len(digestPrefix), digestPrefix, digestHeadlineLen); err != nil {
			return from, fmt.Errorf("scrub outbox: %w", err)
		}
	}
	if !last.Valid {
		return after, nil
	}
	return last.Int64, nil
}
