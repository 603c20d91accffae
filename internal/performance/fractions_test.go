package performance

import (
	"strings"
	"testing"
)

func TestLooksLikeFractions(t *testing.T) {
	for _, tt := range []struct {
		name    string
		figures []float64
		want    bool
	}{
		{"percents", []float64{87, 101.5, 45.2}, false},
		{"fractions", []float64{0.875, 1.015, 0.452}, true},
		{"fractions with a rep at 3x quota", []float64{0.875, 3}, true},
		{"one figure past 3", []float64{0.875, 3.5}, false},
		{"whole numbers at most 3: a month barely begun", []float64{0, 1, 2, 0}, false},
		{"a lone decimal percent below 3 among percents", []float64{2.5, 88}, false},
		{"every figure nought", []float64{0, 0}, false},
	} {
		var entries []Entry
		for i, f := range tt.figures {
			entries = append(entries, Entry{Line: i + 2, Attainment: f})
		}
		if got := LooksLikeFractions(entries); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFromFractions(t *testing.T) {
	got, err := FromFractions([]Entry{{Line: 2, Attainment: 0.875}, {Line: 3, Attainment: 1.2345}, {Line: 4, Attainment: 0}})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{87.5, 123.45, 0} {
		if got[i].Attainment != want || got[i].Line != i+2 {
			t.Errorf("entry %d = %+v, want %v%% on line %d", i, got[i], want, i+2)
		}
	}
	// A file of percents given as fractions: 87 would be 8,700%.
	_, err = FromFractions([]Entry{{Line: 2, Attainment: 0.5}, {Line: 3, Attainment: 87}})
	if err == nil || !strings.Contains(err.Error(), "line 3, field attainment") || !strings.Contains(err.Error(), "in percents already") {
		t.Fatalf("percents read as fractions: %v", err)
	}
}
