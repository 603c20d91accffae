package main

import (
	"strings"
	"testing"
	"time"
)

// On a Monday the digest has just covered last week, and `/coach report`
// alone covers this week so far: a day of zeros. `/coach report last
// week` (or the week's name, with or without a mention, in either order)
// is the digest's week on demand, with the digest's figures; a week not
// started, one before the roster named any team and one written wrong are
// each told so; a manager is refused whatever the week; the Home and the
// help say how to ask for last week.
func TestReportOfLastWeekOnAMondayIsTheDigests(t *testing.T) {
	t.Parallel()
	b, clk := startForReminder(t) // a Wednesday of 2026-W47
	ctx := ctxT(t)
	b.fake.AddChannel("C0LEADS", true)
	b.importTree(t)
	for i, c := range []struct{ rep, text string }{{rep, "1:1 30m"}, {rep2, "1:1 45m"}, {rep, "deal review 20m"}} {
		in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+c.rep+"> "+c.text+" "+midweekDay)
		if err != nil {
			t.Fatal(err)
		}
		b.dm(c.rep, map[int]int{0: 1, 1: 1, 2: 2}[i])
		// The DM can reach Slack before the ack does: moving the clock
		// five days before the ack came would make it late.
		if _, err := b.fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC).Sub(clk.Now())) // Monday of 2026-W48, 09:00 in New York
	if out, err := b.cli("digest", "--channel", "C0LEADS"); err != nil || !strings.Contains(out, "Posted the digest of 2026-W47") {
		t.Fatalf("digest: %v\n%s", err, out)
	}
	msgs := b.fake.Messages("C0LEADS")
	if len(msgs) == 0 {
		t.Fatal("no digest in the leaders' channel")
	}
	mustContain(t, "the digest", blocksText(msgs[0].Blocks), "Coaching digest · 2026-W47", "*Max* · 3 sessions", "95 min")

	mustContain(t, "/coach report on Monday", b.command(vera, "report"), "Coaching report: this week, 2026-W48", "*Sessions*\n0")
	for _, text := range []string{"report last week", "report 2026-W47", "report  Last   Week "} {
		mustContain(t, "/coach "+text, b.command(vera, text), "Coaching report: last week, 2026-W47", "Mon 16 Nov 2026 to Sun 22 Nov 2026",
			"*Sessions*\n3", "*Minutes*\n95", "• <@"+mgr+">: 3 sessions, 95 min")
	}
	for _, text := range []string{"report <@" + mgr + "|max> last week", "report 2026-W47 <@" + mgr + "|max>"} {
		mustContain(t, "/coach "+text, b.command(vera, text), "Coaching report: last week, 2026-W47", "<@"+mgr+">'s team",
			"*Sessions*\n3", "*Minutes*\n95")
	}
	for _, w := range []string{"2026-W46", "2026-W40"} {
		got := b.command(vera, "report "+w)
		mustContain(t, "a week before the roster", got, w+" ended before the roster named any team, and nobody logged coaching in it: no report of it")
		if strings.Contains(got, "*Sessions*") {
			t.Errorf("a week before the roster has figures:\n%s", got)
		}
	}
	mustContain(t, "next week", b.command(vera, "report 2026-W49"), "2026-W49 has not started yet")
	mustContain(t, "a week written wrong", b.command(vera, "report 2026-W60"), "2026 has no week 60", "`/coach report last week`")
	mustContain(t, "something else", b.command(vera, "report yesterday"), "Usage:", "`/coach report last week`")
	if got := b.command(mgr, "report last week"); !strings.Contains(got, ":no_entry_sign:") || strings.Contains(got, "*Sessions*") {
		t.Errorf("a manager's /coach report last week:\n%s", got)
	}

	b.openHomeOf(vera)
	mustContain(t, "Vera's Home", b.homeText(vera), "`/coach report last week`")
	mustContain(t, "/coach help", b.command(vera, "help"), "`/coach report [@manager] [last week | 2026-W47]`")
}
