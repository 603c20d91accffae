package performance

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// entriesOf makes entries of figures as a file gives them, one a line
// from line 2: "2.5%" is 2.5 with its % sign.
func entriesOf(figures ...string) []Entry {
	var entries []Entry
	for i, f := range figures {
		v, err := strconv.ParseFloat(strings.TrimSuffix(f, "%"), 64)
		if err != nil {
			panic(err)
		}
		entries = append(entries, Entry{Line: i + 2, Attainment: v, PercentSign: strings.HasSuffix(f, "%")})
	}
	return entries
}

func TestLooksLikeFractions(t *testing.T) {
	for _, tt := range []struct {
		name    string
		figures []string
		want    bool
	}{
		{"percents", []string{"87", "101.5", "45.2"}, false},
		{"fractions", []string{"0.875", "1.015", "0.452"}, true},
		{"fractions with a rep at 3x quota", []string{"0.875", "3"}, true},
		{"one figure past 3", []string{"0.875", "3.5"}, false},
		{"whole numbers at most 3: a month barely begun", []string{"0", "1", "2", "0"}, false},
		{"a lone decimal percent below 3 among percents", []string{"2.5", "88"}, false},
		{"every figure nought", []string{"0", "0"}, false},
		// A % sign says percent: early in the month every rep may stand
		// under 3% of quota.
		{"small percents with their % signs: a month barely begun", []string{"2.5%", "1.5%"}, false},
		{"small figures, one with a % sign", []string{"0.5", "1.5%", "0.25"}, false},
	} {
		if got := LooksLikeFractions(entriesOf(tt.figures...)); got != tt.want {
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

// A cell with a % sign is a percent: --fractions would make 5% 500%, or
// 0.9% 90%, and write it.
func TestFromFractionsRefusesAPercentSign(t *testing.T) {
	for _, tt := range []struct {
		name    string
		figures []string
		want    []string // each problem as printed, in order
	}{
		{"a small percent among fractions", []string{"0.875", "5%", "0.9%"}, []string{
			"line 3, field attainment: 5% has a % sign, and --fractions reads fractions such as 0.875: drop the % or the flag",
			"line 4, field attainment: 0.9% has a % sign, and --fractions reads fractions such as 0.875: drop the % or the flag"}},
		{"percents alone", []string{"2.5%", "87.5%"}, []string{
			"line 2, field attainment: 2.5% has a % sign",
			"line 3, field attainment: 87.5% has a % sign"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromFractions(entriesOf(tt.figures...))
			errs, ok := errors.AsType[Errors](err)
			if !ok || got != nil || len(errs) != len(tt.want) {
				t.Fatalf("got %v, %v; want %d problems", got, err, len(tt.want))
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(errs[i].Error(), want) {
					t.Errorf("problem %d = %q, want %q", i, errs[i].Error(), want)
				}
			}
		})
	}
}
