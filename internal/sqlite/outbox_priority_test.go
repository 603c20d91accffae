package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// queueAt queues msgs with the store's clock at at, so they come due then.
func queueAt(t *testing.T, st *sqlite.Store, clk *clock, at time.Time, msgs ...coaching.Message) {
	t.Helper()
	ctx := context.Background()
	clk.t = at
	if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
		t.Fatal(err)
	}
}

func nudges(n int) []coaching.Message {
	msgs := make([]coaching.Message, n)
	for k := range msgs {
		msgs[k] = coaching.Message{Kind: coaching.MsgNudge, Op: coaching.OpPost, Key: fmt.Sprintf("nudge:%02d", k), To: fmt.Sprintf("UM%02d", k)}
	}
	return msgs
}

func repDMs(n int) []coaching.Message {
	msgs := make([]coaching.Message, n)
	for k := range msgs {
		msgs[k] = coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: fmt.Sprintf("dm:%d", k), To: fmt.Sprintf("UR%d", k)}
	}
	return msgs
}

func claimedKeys(items []coaching.OutboxItem) []string {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Message.Key
	}
	return keys
}

// backlog opens a store on db with msgs queued and due a minute before t0,
// Monday 9:00, the instant a test claims at.
func backlog(t *testing.T, db string, msgs ...coaching.Message) (st *sqlite.Store, clk *clock, t0 time.Time) {
	t.Helper()
	t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clk = &clock{t: t0.Add(-time.Minute)}
	st = open(t, db, sqlite.Options{Now: clk.now})
	queueAt(t, st, clk, t0.Add(-time.Minute), msgs...)
	return st, clk, t0
}

// updates are n queued updates of rep DMs, keyed dm:0 on.
func updates(n int) []coaching.Message {
	msgs := make([]coaching.Message, n)
	for k := range msgs {
		msgs[k] = coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: fmt.Sprintf("dm:%d", k), To: "UR"}
	}
	return msgs
}

// planOf is the engine's plan for q: PostgreSQL's after ANALYZE of the
// outbox, so that it plans by the rows a test queued.
func planOf(t *testing.T, st *sqlite.Store, q string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	if st.IsPostgres() {
		if err := st.Exec(ctx, `ANALYZE outbox`); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := st.Explain(ctx, q, args...)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// Within an op's lane the due messages someone waits for are claimed
// before the scheduled bulk queued ahead of them, and come first in the
// claim; bulk takes the room they leave, oldest due first, and all of it
// when none is due; an urgent message not yet due waits its turn.
func TestClaimTakesUrgentMessagesBeforeBulkOnes(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		urgent time.Duration // when the 3 rep DMs come due, from t0; none when 0
		want   []string      // the claim at t0, in order
		after  []string      // a second claim, when the DMs are due
	}{
		{"three rep DMs behind 50 nudges", -time.Minute,
			[]string{"dm:0", "dm:1", "dm:2", "nudge:00", "nudge:01"}, []string{"nudge:02", "nudge:03", "nudge:04", "nudge:05", "nudge:06"}},
		{"no urgent message due: bulk takes all the room", 0,
			[]string{"nudge:00", "nudge:01", "nudge:02", "nudge:03", "nudge:04"}, nil},
		{"rep DMs not yet due", time.Minute,
			[]string{"nudge:00", "nudge:01", "nudge:02", "nudge:03", "nudge:04"}, []string{"dm:0", "dm:1", "dm:2", "nudge:05", "nudge:06"}},
	} {
		for _, byKey := range []bool{false, true} { // the worker's claims; a command's, by the keys it queued
			t.Run(fmt.Sprintf("%s, by key %v", tt.name, byKey), func(t *testing.T) {
				sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
					ctx := context.Background()
					clk := &clock{t: t0.Add(-time.Hour)}
					st := open(t, db, sqlite.Options{Now: clk.now})
					// The nudges come due a second apart, the first oldest.
					for k, m := range nudges(50) {
						queueAt(t, st, clk, t0.Add(-10*time.Minute+time.Duration(k)*time.Second), m)
					}
					if tt.urgent != 0 {
						queueAt(t, st, clk, t0.Add(tt.urgent), repDMs(3)...)
					}
					var keys []string
					if byKey {
						for _, m := range append(nudges(50), repDMs(3)...) {
							keys = append(keys, m.Key)
						}
					}
					lanes := map[coaching.Op]int{coaching.OpPost: 5, coaching.OpUpdate: 5}
					got, err := st.ClaimOutboxLanes(ctx, "w", t0, time.Hour, lanes, keys)
					if err != nil {
						t.Fatal(err)
					}
					if keys := claimedKeys(got); !slices.Equal(keys, tt.want) {
						t.Fatalf("claimed %v, want %v", keys, tt.want)
					}
					if tt.after == nil {
						return
					}
					got, err = st.ClaimOutboxLanes(ctx, "w", t0.Add(2*time.Minute), time.Hour, lanes, keys)
					if err != nil {
						t.Fatal(err)
					}
					if keys := claimedKeys(got); !slices.Equal(keys, tt.after) {
						t.Fatalf("then claimed %v, want %v", keys, tt.after)
					}
				})
			})
		}
	}
}

// A claim's rows are a seek in outbox_urgent and one in outbox_bulk, on
// both engines: finding a rep DM behind 2,000 due nudges reads the DM, not
// the nudges. The kind lists in the claim must read as in the indexes (migration
// 0022 rebuilt them with home_refresh); were they to drift apart, the plan would scan.
func TestClaimPlansSeekTheUrgentAndBulkIndexes(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		st, clk, t0 := backlog(t, db, append(nudges(50), repDMs(3)...)...)
		var many []coaching.Message
		for k := range 2_000 {
			many = append(many, coaching.Message{Kind: coaching.MsgNudge, Op: coaching.OpPost, Key: fmt.Sprintf("bulk:%d", k), To: "UM"})
		}
		queueAt(t, st, clk, t0.Add(-time.Minute), many...)
		q, args := st.ClaimLanesStatement("w", t0, time.Minute, map[coaching.Op]int{coaching.OpPost: 5}, nil)
		plan := planOf(t, st, q, args...)
		t.Logf("plan: %s", plan)
		for _, idx := range []string{"outbox_urgent", "outbox_bulk"} {
			if !strings.Contains(plan, idx) {
				t.Errorf("the claim does not use %s: %s", idx, plan)
			}
		}
		if strings.Contains(plan, "Seq Scan on outbox") || strings.Contains(plan, "SCAN o ") || strings.HasSuffix(plan, "SCAN o") {
			t.Errorf("the claim scans the outbox: %s", plan)
		}
	})
}

// An update waits while its post is queued; finding that post is a seek by
// the message's key, whatever the backlog of other posts. It was a walk
// through every pending post (outbox_lane, op = 'post', until migration
// 0015 dropped that index) for each update looked at: on a Monday, 2,000
// queued nudges for each claim of the update lane, on the writer. SQLite only: PostgreSQL plans by its statistics and
// may hash the pending posts once per claim, which is as cheap.
func TestAnUpdateFindsItsQueuedPostByKey(t *testing.T) {
	ctx := context.Background()
	st, clk, t0 := backlog(t, migratedDB(t), append(nudges(2_000), updates(20)...)...)
	q, args := st.ClaimLanesStatement("w", t0, time.Minute, map[coaching.Op]int{coaching.OpUpdate: 5}, nil)
	plan := planOf(t, st, q, args...)
	if n := strings.Count(plan, "SEARCH p USING INDEX outbox_key (msg_key=?)"); n != 2 {
		t.Errorf("the urgent and bulk sides should each seek the update's post by key (2), got %d: %s", n, plan)
	}
	// And the rule itself: an update goes only once its post is out.
	queueAt(t, st, clk, t0.Add(-time.Minute), coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "dm:0", To: "UR"})
	items, err := st.ClaimOutboxLanes(ctx, "w", t0, time.Minute, map[coaching.Op]int{coaching.OpUpdate: 50}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := claimedKeys(items); len(got) != 19 || slices.Contains(got, "dm:0") {
		t.Errorf("claimed updates %v: want the 19 whose post is not queued", got)
	}
}

// Before each claim the worker looks on a reader for anything due in its
// lanes. With only updates to take and Monday's 2,000 nudges due, the look
// seeks the first due update in each side's index (outbox_urgent,
// outbox_bulk: migration 0015 dropped outbox_lane, which it read), never
// walking the due posts; and it answers for each side and op, and only
// for its lanes.
func TestTheLookBeforeAClaimSeeksEachSide(t *testing.T) {
	ctx := context.Background()
	st, clk, t0 := backlog(t, migratedDB(t), nudges(2_000)...)
	look := func(lanes map[coaching.Op]int) bool {
		t.Helper()
		found, err := st.Look(ctx, t0, lanes, nil)
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	q, args := sqlite.LookStatement(t0, map[coaching.Op]int{coaching.OpUpdate: 5}, nil)
	plan := planOf(t, st, q, args...)
	for _, index := range []string{"outbox_urgent", "outbox_bulk"} {
		if !strings.Contains(plan, "USING INDEX "+index+" (op=? AND next_at<?)") {
			t.Errorf("the look does not seek %s by op and due time: %s", index, plan)
		}
	}
	if strings.Contains(plan, "outbox_pending") || strings.Contains(plan, "SCAN o") {
		t.Errorf("the look walks the due rows of every op: %s", plan)
	}
	if look(map[coaching.Op]int{coaching.OpUpdate: 5}) {
		t.Error("the look found an update when only nudges are due")
	}
	if !look(map[coaching.Op]int{coaching.OpUpdate: 5, coaching.OpPost: 5}) {
		t.Error("the look missed the due nudges (bulk side)")
	}
	queueAt(t, st, clk, t0.Add(-time.Minute), updates(1)...)
	if !look(map[coaching.Op]int{coaching.OpUpdate: 5}) {
		t.Error("the look missed a due update (urgent side)")
	}
}

// A claim that takes an update or a publish also leases that message's
// later versions (the worker sends only the last). Finding them is a seek
// by key and by op, not a walk through every due message: it was one
// statement joined by OR, planned as a walk through outbox_pending behind
// Monday's 2,000 due nudges, on the writer, for each such claim.
func TestAClaimFindsItsSiblingsBySeek(t *testing.T) {
	ctx := context.Background()
	home := func(to string) coaching.Message {
		return coaching.Message{Kind: coaching.MsgHome, Op: coaching.OpPublish, Key: "home:" + to, To: to}
	}
	dm0 := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "dm:0", To: "UR"}
	dm1 := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "dm:1", To: "UR"}
	st, _, t0 := backlog(t, migratedDB(t),
		append(nudges(2_000), dm0, dm1, dm0, home("U1"), home("U2"), home("U1"), home("U1"))...)
	q, args := sqlite.SiblingsStatement(t0, []string{"dm:0"}, []string{"U1"})
	plan := planOf(t, st, q, args...)
	for _, index := range []string{"outbox_key", "outbox_urgent", "outbox_bulk"} {
		if !strings.Contains(plan, "USING INDEX "+index) {
			t.Errorf("the siblings are not sought in %s: %s", index, plan)
		}
	}
	if strings.Contains(plan, "outbox_pending") || strings.Contains(plan, "SCAN outbox") {
		t.Errorf("the siblings are looked for among all due messages: %s", plan)
	}
	items, err := st.ClaimOutboxLanes(ctx, "w", t0, time.Minute, map[coaching.Op]int{coaching.OpUpdate: 1, coaching.OpPublish: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := claimedKeys(items)
	slices.Sort(got)
	if want := []string{"dm:0", "dm:0", "home:U1", "home:U1", "home:U1"}; !slices.Equal(got, want) {
		t.Errorf("claimed %v, want %v: the first update and publish with their later versions, nothing else", got, want)
	}
}

// The outbox keeps every row it ever queued, so its lookups by key seek
// outbox_key: the status of a post an update waits for, the updates a post
// covers (read before each post), the outcome a command waits for. Each
// was a scan of the table, or of every pending update, before.
func TestOutboxLookupsByKeySeekTheKeyIndex(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st, _, _ := backlog(t, db, append(nudges(2_000), updates(500)...)...)
		for name, q := range map[string]struct {
			sql  string
			args []any
		}{
			"post status":     {sqlite.PostStatusQuery, []any{"dm:7"}},
			"pending updates": {sqlite.PendingUpdatesQuery, []any{"dm:7"}},
			"outbox status":   {sqlite.OutboxStatusQuery + ` AND msg_key IN (?, ?) ORDER BY id`, []any{"dm:7", "nudge:07"}},
		} {
			if plan := planOf(t, st, q.sql, q.args...); !strings.Contains(plan, "outbox_key") || strings.Contains(plan, "SCAN outbox") || strings.Contains(plan, "Seq Scan") {
				t.Errorf("%s does not seek outbox_key: %s", name, plan)
			}
		}
		ids, err := st.PendingUpdates(ctx, "dm:7")
		if err != nil || len(ids) != 1 {
			t.Errorf("pending updates of dm:7 = %v, %v; want one", ids, err)
		}
		if got, err := st.PostStatus(ctx, "nudge:07"); err != nil || got != "pending" {
			t.Errorf("post status of nudge:07 = %q, %v; want pending", got, err)
		}
		if got, err := st.OutboxStatus(ctx, []string{"dm:7", "nudge:07", "none"}); err != nil || len(got) != 2 || got["dm:7"] != "pending" {
			t.Errorf("outbox status = %v, %v; want dm:7 and nudge:07 pending", got, err)
		}
	})
}

// The pending and failed counts, read at every scrape of /metrics, read
// only those rows: counting the failed ones read the whole table, which
// the outbox never empties, until the scrape's read timed out for good.
// Failed counts only those that failed since the time given (a day back,
// for coachlog_outbox_failed): counting every one ever kept an alert on
// it firing for ever after one failure. And it reads only those, a range
// of outbox_failed_at by when they failed (migration 0027): read through
// outbox_failed, it went through every failure ever kept to look at when
// each failed, more with each week; so did /healthz's failed digests. So
// do the failures by kind (/healthz, coachlog_scheduled_failed).
func TestOutboxStatsReadOnlyPendingAndRecentlyFailedRows(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st, _, _ := backlog(t, db, nudges(3_000)...)
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		since := now.Add(-24 * time.Hour)
		if err := st.Exec(ctx, `UPDATE outbox SET status = 'sent' WHERE id > 20`); err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, `UPDATE outbox SET status = 'failed', done_at = ? WHERE id <= 3`, now.Add(-time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, `UPDATE outbox SET status = 'failed', done_at = ? WHERE id IN (4, 5)`, since.Add(-time.Minute).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		// Weeks of failures before the day.
		if err := st.Exec(ctx, `UPDATE outbox SET status = 'failed', done_at = ? WHERE id > 1000 AND id <= 1500`, since.Add(-7*24*time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		inRange := func(plan string) bool {
			if st.IsPostgres() {
				return strings.Contains(plan, "using outbox_failed_at") && strings.Contains(plan, "Index Cond: (done_at >=")
			}
			return strings.Contains(plan, "INDEX outbox_failed_at (done_at>?)") // COVERING for a count
		}
		if plan := planOf(t, st, sqlite.OutboxStatsQuery, since.UnixMilli()); !inRange(plan) || strings.Contains(plan, "Seq Scan") || slices.Contains(strings.Split(plan, "; "), "SCAN outbox") {
			t.Errorf("the counts read more than the pending and the day's failed rows: %s", plan)
		}
		if plan := planOf(t, st, sqlite.FailedDigestsQuery, since.UnixMilli(), 7, "digest:"); !inRange(plan) || strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "SCAN outbox") {
			t.Errorf("the failed digests are read from more than the day's failed rows: %s", plan)
		}
		// /healthz's and coachlog_scheduled_failed's counts by kind too:
		// by when they failed, as the gauge above; and whether each was
		// delivered since, a range of the primary key from the oldest of
		// the window.
		var kinds []any
		for _, k := range coaching.ScheduledKinds {
			kinds = append(kinds, string(k))
		}
		if plan := planOf(t, st, sqlite.RecentFailedQuery(len(kinds)), append([]any{since.UnixMilli()}, kinds...)...); !inRange(plan) || strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "SCAN outbox") {
			t.Errorf("the failures by kind are read from more than the day's failed rows: %s", plan)
		}
		pkRange := func(plan string) bool {
			if st.IsPostgres() {
				return strings.Contains(plan, "using outbox_pkey") && strings.Contains(plan, "Index Cond: (id >=")
			}
			return strings.Contains(plan, "SEARCH outbox USING INTEGER PRIMARY KEY (rowid>?)")
		}
		if plan := planOf(t, st, sqlite.RecentSentQuery(len(kinds)), append([]any{2_990}, kinds...)...); !pkRange(plan) || strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "SCAN outbox") {
			t.Errorf("the delivered messages by kind are read from more than the window's rows: %s", plan)
		}
		got, err := st.OutboxStats(ctx, since)
		if err != nil || got.Pending != 15 || got.Failed != 3 {
			t.Errorf("stats = %+v, %v; want 15 pending, 3 failed in the last 24 h (502 failed before)", got, err)
		}
	})
}

// Workers on two stores claiming by lanes at once never take the same
// message, and between them take every due one, urgent and bulk.
func TestConcurrentLaneClaimsTakeEachMessageOnce(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		clk := &clock{t: t0.Add(-time.Minute)}
		a := open(t, db, sqlite.Options{Now: clk.now})
		b := open(t, db, sqlite.Options{Now: clk.now})
		queueAt(t, a, clk, t0.Add(-time.Minute), append(nudges(50), repDMs(20)...)...)
		claimed := claimConcurrently(t, []*sqlite.Store{a, b, a, b}, func(st *sqlite.Store, owner string) ([]coaching.OutboxItem, error) {
			return st.ClaimOutboxLanes(ctx, owner, t0, time.Hour, map[coaching.Op]int{coaching.OpPost: 7}, nil)
		})
		if len(claimed) != 70 {
			t.Fatalf("claimed %d messages, want all 70", len(claimed))
		}
	})
}

// claimConcurrently has each store claim with claim, one goroutine per
// store, until nothing is left, and returns who claimed each message. A
// message claimed twice fails the test.
func claimConcurrently(t *testing.T, stores []*sqlite.Store, claim func(st *sqlite.Store, owner string) ([]coaching.OutboxItem, error)) map[int64]string {
	t.Helper()
	var mu sync.Mutex
	claimed := map[int64]string{}
	var wg sync.WaitGroup
	for w, st := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprintf("w%d", w)
			for {
				items, err := claim(st, owner)
				if err != nil {
					t.Error(err)
					return
				}
				if len(items) == 0 {
					return
				}
				mu.Lock()
				for _, it := range items {
					if other, ok := claimed[it.ID]; ok {
						t.Errorf("message %d claimed by %s and %s", it.ID, other, owner)
					}
					claimed[it.ID] = owner
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return claimed
}

// A rep's click, answered through its response_url, is claimed ahead of the
// managers' receipts queued before it in the same lane (a burst of logged
// forms), and the receipts do not come along with it, on both engines.
func TestARepsClickGoesAheadOfQueuedReceipts(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		clk := &clock{t: t0.Add(-time.Minute)}
		st := open(t, db, sqlite.Options{Now: clk.now})
		var receipts []coaching.Message
		for k := range 300 {
			receipts = append(receipts, coaching.Message{Kind: coaching.MsgCaptureReply, Op: coaching.OpRespond, SessionID: int64(k + 1),
				To: "UM", ResponseURL: fmt.Sprintf("https://hooks.slack.com/commands/T1/%d/x", k)})
		}
		queueAt(t, st, clk, t0.Add(-time.Minute), receipts...)
		click := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpRespond, Key: "dm:7", To: "UR", SessionID: 7, RepID: "UR",
			ResponseURL: "https://hooks.slack.com/actions/T1/7/x", Replace: true}
		queueAt(t, st, clk, t0.Add(-time.Second), click)

		got, err := st.ClaimOutboxLanes(ctx, "w", t0, time.Minute, map[coaching.Op]int{coaching.OpRespond: 3}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Three, not every receipt: they have no key, so none is a later
		// version of the click's reply (they were all swept into the claim).
		var claimed []string
		for _, it := range got {
			claimed = append(claimed, fmt.Sprintf("%s/%d", it.Message.Kind, it.Message.SessionID))
		}
		if want := []string{"rep_dm/7", "capture_reply/1", "capture_reply/2"}; !slices.Equal(claimed, want) {
			t.Fatalf("claimed %d: %.200v, want %v", len(claimed), claimed, want)
		}
	})
}
