package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Sam", "Sam"},
		{`=HYPERLINK("https://evil.test","x")`, `'=HYPERLINK("https://evil.test","x")`},
		{"+SUM(A1:A9)", "'+SUM(A1:A9)"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"-3", "-3"},
		{"-0.35", "-0.35"},
		{"+1.5", "+1.5"},
		{"a=b", "a=b"},
		{"-12", "-12"},
		{"+0.25", "+0.25"},
		// strconv.ParseFloat reads these as numbers; they are text to a
		// person and none is how Coachlog writes a number, so each is
		// escaped like any other cell starting with + or -.
		{"-Infinity", "'-Infinity"},
		{"-Inf", "'-Inf"},
		{"+Inf", "'+Inf"},
		{"-NaN", "'-NaN"},
		{"-0x1p4", "'-0x1p4"},
		{"-1_000", "'-1_000"},
		{"-1e5", "'-1e5"},
		{"+1E-3", "'+1E-3"},
		{"-.5", "'-.5"},
		{"-5.", "'-5."},
		{"-", "'-"},
		{"+-1", "'+-1"},
		{"- 3", "'- 3"},
		{"-3\n=1+1", "'-3\n=1+1"},
	} {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Uncell(tt.want); got != tt.in {
			t.Errorf("Uncell(%q) = %q, want it back as %q", tt.want, got, tt.in)
		}
	}
	// A quote Cell did not write stays: the cell is read as typed.
	for _, s := range []string{"'", "'Sam", "''=1", "'-3", "O'Neil"} {
		if got := Uncell(s); got != s {
			t.Errorf("Uncell(%q) = %q, want it as it is", s, got)
		}
	}
}

func TestWriterMakesEveryCellSafe(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Write([]string{"U1", "=1+1", "-7"}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	if rec[0] != "U1" || rec[1] != "'=1+1" || rec[2] != "-7" {
		t.Fatalf("record = %q", rec)
	}
}
