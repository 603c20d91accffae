package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// When someone last opened their Home is kept, the latest open winning
// over a late retry of an older one, and read against a cutoff: never
// opened, or opened before it, is not watched.
func TestHomeOpenedIsReadAgainstACutoff(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		opened := func(at time.Time) {
			t.Helper()
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.HomeOpened(ctx, "UM", at) }); err != nil {
				t.Fatal(err)
			}
		}
		since := func(id string, at time.Time) bool {
			t.Helper()
			var ok bool
			if err := st.Update(ctx, func(tx coaching.Tx) (err error) {
				ok, err = tx.HomeOpenedSince(ctx, id, at)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if since("UM", t0.Add(-time.Hour)) {
			t.Fatal("someone who never opened their Home reads as having opened it")
		}
		opened(t0)
		opened(t0.Add(-5 * time.Minute)) // a retried event, older
		if !since("UM", t0) || since("UM", t0.Add(time.Millisecond)) {
			t.Errorf("opened at %v: not read as the latest open", t0)
		}
		opened(t0.Add(time.Minute))
		if !since("UM", t0.Add(time.Minute)) {
			t.Errorf("a later open did not replace the earlier")
		}
		if since("UR", t0.Add(-time.Hour)) {
			t.Errorf("another person's open read as theirs")
		}
	})
}

// Managers' Homes refreshed after their reps' answers take only the room
// a rep's own Home publish leaves in views.publish's lane, however many
// were queued before it: the rep's is claimed first.
func TestARepsHomeIsClaimedBeforeManagersRefreshes(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		var refreshes []coaching.Message
		for k := range 30 {
			to := fmt.Sprintf("UM%02d", k)
			refreshes = append(refreshes, coaching.Message{Kind: coaching.MsgHomeRefresh, Op: coaching.OpPublish, Key: "home:" + to, To: to})
		}
		st, clk, t0 := backlog(t, db, refreshes...)
		queueAt(t, st, clk, t0.Add(-time.Second), coaching.Message{Kind: coaching.MsgHome, Op: coaching.OpPublish, Key: "home:UR", To: "UR"})
		got, err := st.ClaimOutboxLanes(ctx, "w", t0, time.Hour, map[coaching.Op]int{coaching.OpPublish: 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if keys, want := claimedKeys(got), []string{"home:UR", "home:UM00"}; !slices.Equal(keys, want) {
			t.Fatalf("claimed %v, want %v", keys, want)
		}
	})
}
