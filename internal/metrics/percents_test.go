package metrics

import (
	"fmt"
	"testing"
)

func TestTierPercentsAddUpToTheirWhole(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		in   TierShares
		want string
	}{
		{TierShares{f(0.1667), f(0.4167), f(0.4167), f(0)}, "[17 42 41 0]"},
		{TierShares{f(0.3333), f(0.3333), f(0.3333), f(0)}, "[34 33 33 0]"},
		{TierShares{f(0.335), f(0.335), f(0.33), f(0)}, "[34 33 33 0]"},
		{TierShares{f(0.29), f(0.71), f(0), f(0)}, "[29 71 0 0]"},
		{TierShares{f(0.996), f(0.004), f(0), f(0)}, "[99 1 0 0]"}, // one minute in 250 is not nothing
		{TierShares{f(0.497), f(0.499), f(0.002), f(0.002)}, "[49 49 1 1]"},
		{TierShares{f(1), f(0), f(0), f(0)}, "[100 0 0 0]"},
		{TierShares{nil, nil, nil, nil}, "[<nil> <nil> <nil> <nil>]"},
	} {
		p := c.in.Percents()
		var got []any
		for _, v := range p {
			if v == nil {
				got = append(got, nil)
			} else {
				got = append(got, *v)
			}
		}
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("%v: %s, want %s", c.in, s, c.want)
		}
	}
}

func TestAPercentNeverReadsNothingOrAllWhenItIsNeither(t *testing.T) {
	for _, c := range []struct {
		share float64
		want  int
	}{
		{0, 0}, {1, 100}, {0.5, 50}, {0.333, 33}, {0.625, 63}, // halves up, as by hand: 5 of 8 is 63%
		{0.996, 99}, {0.9951, 99}, {0.994, 99}, // a rep left uncovered is not 100%
		{0.004, 1}, {0.0049, 1}, // one rep of 250 coached is not 0%
		{1.2, 120}, // a count beside its average may pass 100
	} {
		if got := Percent(c.share); got != c.want {
			t.Errorf("Percent(%v) = %d, want %d", c.share, got, c.want)
		}
	}
}

// The surfaces print a weekly average from Tenths: halves go away from
// zero, as a person rounds, not to even as %.1f does.
func TestTenthsRoundHalvesAwayFromZero(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want int
	}{
		{0, 0}, {0.25, 3}, {0.75, 8}, {6.25, 63}, {118.75, 1188}, {2.5, 25}, {1, 10}, {0.04, 0}, {0.05, 1}, {2375, 23750},
	} {
		if got := Tenths(c.in); got != c.want {
			t.Errorf("Tenths(%v) = %d, want %d", c.in, got, c.want)
		}
	}
}
