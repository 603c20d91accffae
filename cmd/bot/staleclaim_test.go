package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A rep's click that another replica claimed and never served (it died,
// or lost its socket, before its write) is served when Slack sends it
// again once that claim is older than twice the ack timeout (2 s by
// default), not acked empty and dropped. A younger claim still refuses
// the click: its replica may be serving it now. The other replica's
// claims are seeded in the shared database before the clicks arrive.
func TestAClickClaimedLongAgoByAnotherReplicaIsServed(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		b := startBot(t, "COACHLOG_DB", db)
		ctx := ctxT(t)
		viewID, _ := b.openModal("")
		if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
			t.Fatalf("ack = %s", ack)
		}
		dm := b.dm(rep, 1)

		other, err := sqlite.Open(context.Background(), db, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		status := func() string {
			t.Helper()
			rows := b.export()
			if len(rows) != 1 {
				t.Fatalf("export = %+v, want the one session", rows)
			}
			return rows[0].Status
		}
		click := func(envelopeID string, claimedAt time.Time) {
			t.Helper()
			if ok, err := other.ClaimEnvelope(ctx, "env:"+envelopeID, claimedAt, 0); !ok || err != nil {
				t.Fatalf("seed the other replica's claim: %v %v", ok, err)
			}
			in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm", fakeslack.WithEnvelopeID(envelopeID))
			if err != nil {
				t.Fatal(err)
			}
			if ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID); err != nil || len(ack.Payload) != 0 {
				t.Fatalf("click ack = %s, %v; want an empty ack", ack.Payload, err)
			}
		}

		click("e-claimed-just-now", b.now())
		refused := func(envelopeID string) bool {
			for l := range strings.Lines(b.logs.String()) {
				if strings.Contains(l, "envelope handled by another replica") && strings.Contains(l, envelopeID) {
					return true
				}
			}
			return false
		}
		if !refused("e-claimed-just-now") {
			t.Errorf("no log of the click refused as another replica's:\n%s", b.logs)
		}
		if s := status(); s != "pending" {
			t.Fatalf("after a click another replica claimed a moment ago the session is %s, want pending", s)
		}

		// The ack waits for the write: acknowledged means confirmed.
		click("e-claimed-a-minute-ago", b.now().Add(-time.Minute))
		if s := status(); s != "confirmed" {
			t.Fatalf("after a click another replica claimed a minute ago the session is %s, want confirmed\n%s", s, b.logs)
		}
		if refused("e-claimed-a-minute-ago") {
			t.Error("the click claimed a minute ago was logged as refused")
		}
	})
}
