package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A claim by lanes takes at most each op's limit, each op's messages in the
// order they came due, nothing of an op without room, and no update while
// the post it updates is still queued; with keys, only those keys, however
// many (SQLite binds at most 32,766 parameters, and there are four lanes).
func TestClaimByLanesTakesEachOpsLimitInDueOrder(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		lanes map[coaching.Op]int
		keys  int // the first n keys of the posts, or all messages when 0
		want  map[string]bool
	}{
		{"posts and updates with room", map[coaching.Op]int{coaching.OpPost: 2, coaching.OpUpdate: 5, coaching.OpPublish: 0},
			0, map[string]bool{"p:late-id-early-due": true, "p:0": true, "u:posted": true}},
		{"no room for posts", map[coaching.Op]int{coaching.OpPost: 0, coaching.OpUpdate: 5},
			0, map[string]bool{"u:posted": true}},
		{"10,000 keys", map[coaching.Op]int{coaching.OpPost: 3, coaching.OpUpdate: 5, coaching.OpPublish: 5, coaching.OpRespond: 5},
			10_000, map[string]bool{"p:0": true, "p:1": true, "p:2": true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := open(t, migratedDB(t), sqliteOptions(now.Add(-time.Hour)))
			var msgs []coaching.Message
			// All urgent (rep DMs): the order between urgent and bulk is
			// TestClaimTakesUrgentMessagesBeforeBulkOnes's.
			for k := range 10 {
				msgs = append(msgs, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: fmt.Sprintf("p:%d", k), To: "U1"})
			}
			msgs = append(msgs,
				coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "p:late-id-early-due", To: "U2"},
				coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "u:unposted", To: "U3"},
				coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "u:unposted", To: "U3"},
				coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "u:posted", To: "U4"})
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
				t.Fatal(err)
			}
			// The posts of "u:unposted" and p:1.. came due later than p:0;
			// "p:late-id-early-due", queued last, came due first.
			for i, key := range []string{"p:late-id-early-due", "p:0"} {
				if err := st.Exec(ctx, `UPDATE outbox SET next_at = ? WHERE msg_key = ?`, now.Add(time.Duration(i-10)*time.Minute).UnixMilli(), key); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.Exec(ctx, `UPDATE outbox SET next_at = ? WHERE msg_key LIKE 'p:%' AND msg_key NOT IN ('p:late-id-early-due', 'p:0') OR (msg_key = 'u:unposted' AND op = 'post')`,
				now.Add(-time.Minute).UnixMilli()); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range tt.keys {
				keys = append(keys, fmt.Sprintf("p:%d", k))
			}
			got, err := st.ClaimOutboxLanes(ctx, "w", now, time.Minute, tt.lanes, keys)
			if err != nil {
				t.Fatal(err)
			}
			taken := map[string]bool{}
			for _, it := range got {
				taken[string(it.Message.Op[0])+":"+it.Message.Key[2:]] = true
			}
			want := map[string]bool{}
			for k := range tt.want {
				want[k[:1]+":"+k[2:]] = true
			}
			if fmt.Sprint(taken) != fmt.Sprint(want) {
				t.Fatalf("claimed %v, want %v", taken, want)
			}
		})
	}
}
