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
	} {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
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
