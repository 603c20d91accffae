package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// PostedUnder finds a message only where it was posted (its channel and
// ts both) and only under keys of the prefix: session 12's prefix does not
// reach session 123's notice, in a read or a write, on either engine.
func TestPostedUnderFindsAMessageOnlyWhereItWasPostedUnderItsPrefix(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		st := open(t, db, sqliteOptions(now))
		posted := map[string]coaching.Posted{
			coaching.DisputeNoticeKey(12, "U1", 1):  {Channel: "D1", TS: "1.0"},
			coaching.DisputeNoticeKey(123, "U1", 1): {Channel: "D1", TS: "2.0"},
			coaching.RepDMKey(12, "U1"):             {Channel: "D2", TS: "3.0"},
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error {
			for k := range posted {
				if err := tx.Enqueue(ctx, coaching.Message{Kind: coaching.MsgDisputeNotice, Op: coaching.OpPost, Key: k, To: "U1"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		items, err := st.ClaimOutbox(ctx, "w", now, time.Minute, 10, nil)
		if err != nil || len(items) != len(posted) {
			t.Fatalf("claim: %v %v", items, err)
		}
		for _, it := range items {
			p := posted[it.Message.Key]
			if _, err := st.MarkSent(ctx, it.ID, "w", it.Message.Key, &p); err != nil {
				t.Fatal(err)
			}
		}
		prefix := coaching.DisputeKey(12, "")
		for _, tt := range []struct {
			what   string
			prefix string
			at     coaching.Posted
			want   bool
		}{
			{"the session's notice", prefix, coaching.Posted{Channel: "D1", TS: "1.0"}, true},
			{"session 123's notice", prefix, coaching.Posted{Channel: "D1", TS: "2.0"}, false},
			{"the ts in another channel", prefix, coaching.Posted{Channel: "D2", TS: "1.0"}, false},
			{"the rep's DM of the session", prefix, coaching.Posted{Channel: "D2", TS: "3.0"}, false},
			{"nothing posted there", prefix, coaching.Posted{Channel: "C0SALES", TS: "1.0"}, false},
			{"another session's prefix", coaching.DisputeKey(1, ""), coaching.Posted{Channel: "D1", TS: "1.0"}, false},
		} {
			if got, err := st.PostedUnder(ctx, tt.prefix, tt.at); err != nil || got != tt.want {
				t.Errorf("%s: PostedUnder = %v, %v; want %v", tt.what, got, err, tt.want)
			}
			var got bool
			if err := st.Update(ctx, func(tx coaching.Tx) (err error) {
				got, err = tx.PostedUnder(ctx, tt.prefix, tt.at)
				return err
			}); err != nil || got != tt.want {
				t.Errorf("%s, in a write: PostedUnder = %v, %v; want %v", tt.what, got, err, tt.want)
			}
		}
	})
}
