package metrics

import (
	"math"

	"github.com/coachlog/coachlog/internal/coaching"
)

// correlationMonths is how many months, ending with the period's last, the
// correlation looks at.
const correlationMonths = 12

// leaderResults are what only a leader's figures have.
type leaderResult struct {
	corr    Correlation
	atQuota *float64
	withAtt int // the reps atQuota is a share of: those with attainment for the last month
}

// repYear is a rep's attainment and coaching minutes over the months the
// correlation reads: index 0 is the month before the first, 12 the
// period's last month.
type repYear struct {
	att     [correlationMonths + 1]float64
	has     [correlationMonths + 1]bool
	minutes [correlationMonths + 1]float64
}

// correlations computes, for each leader and, last, the organisation
// (every active rep), Spearman's rho between the
// minutes a rep below them received in month M and attainment(M) -
// attainment(M-1), over every (rep, M) with both; and the share of their
// reps with attainment for the last month who reached 100%. The reps
// below a leader are the active reps of their tree at the period's end.
//
// Every (rep, M) pair is collected once and sorted once by each side; a
// leader's ranks are then read off the global order, keeping their own
// pairs, which is linear per leader instead of a sort per leader.
func (c *computer) correlations() []leaderResult {
	o, end := c.o, c.ends[pMain]
	last := coaching.MonthOf(c.p.To)
	first := last.Add(-correlationMonths)
	years := make([]*repYear, len(o.people))
	var slab []repYear // the years, allocated together
	for _, rm := range c.d.Months {
		i := monthsBetween(first, rm.Month)
		p, ok := o.index[rm.RepID]
		if !ok || i < 0 || i > correlationMonths {
			continue
		}
		y := years[p]
		if y == nil {
			if len(slab) == cap(slab) {
				slab = make([]repYear, 0, max(1024, len(o.people)/4))
			}
			slab = append(slab, repYear{})
			y = &slab[len(slab)-1]
			years[p] = y
		}
		y.att[i], y.has[i], y.minutes[i] = rm.Attainment, true, rm.Minutes
	}
	// Each rep's leaders (positions) at the period's end, and the
	// organisation's slot for every active rep.
	leadersOf := make([][]int32, len(o.people))
	for _, p := range o.sorted {
		if o.isRep[p] && o.activeOn(p, end) {
			for _, a := range o.chain(p, end) {
				if l := c.lpos[a]; l >= 0 {
					leadersOf[p] = append(leadersOf[p], l)
				}
			}
			leadersOf[p] = append(leadersOf[p], c.orgSlot())
		}
	}
	// Every (rep, M) pair with attainment for M and M-1, once.
	n := 0
	for _, p := range o.sorted {
		if y := years[p]; y != nil && len(leadersOf[p]) > 0 {
			for i := 1; i <= correlationMonths; i++ {
				n += b2i(y.has[i] && y.has[i-1])
			}
		}
	}
	xs, ys, owner := make([]float64, 0, n), make([]float64, 0, n), make([]pid, 0, n)
	slots := len(c.leaders) + 1 // the organisation's last
	withAtt, atQuota := make([]int, slots), make([]int, slots)
	for _, p := range o.sorted {
		y := years[p]
		if y == nil || len(leadersOf[p]) == 0 {
			continue
		}
		// The last month is read from the sessions up to the period's end,
		// not the whole month: nothing after the period counts.
		y.minutes[correlationMonths] = c.monthMins[p]
		if y.has[correlationMonths] {
			for _, l := range leadersOf[p] {
				withAtt[l]++
				atQuota[l] += b2i(y.att[correlationMonths] >= 100)
			}
		}
		for i := 1; i <= correlationMonths; i++ {
			if y.has[i] && y.has[i-1] {
				// rounded so that sums of split minutes, and differences of
				// decimals, that are equal on paper tie
				xs = append(xs, round(y.minutes[i], 6))
				ys = append(ys, round(y.att[i]-y.att[i-1], 6))
				owner = append(owner, p)
			}
		}
	}
	// Each leader's pairs in the order of each side, by one walk of the
	// global orders, into lists sized first.
	per := make([]int, slots)
	for _, p := range owner {
		for _, l := range leadersOf[p] {
			per[l]++
		}
	}
	byX, byY := make([][]int32, slots), make([][]int32, slots)
	for l, k := range per {
		byX[l], byY[l] = make([]int32, 0, k), make([]int32, 0, k)
	}
	for _, i := range order(xs) {
		for _, l := range leadersOf[owner[i]] {
			byX[l] = append(byX[l], i)
		}
	}
	for _, i := range order(ys) {
		for _, l := range leadersOf[owner[i]] {
			byY[l] = append(byY[l], i)
		}
	}
	out := make([]leaderResult, slots)
	rx, ry := make([]float64, len(xs)), make([]float64, len(xs))
	for l := range slots {
		n := len(byX[l])
		out[l] = leaderResult{corr: Correlation{N: n}, atQuota: share(atQuota[l], withAtt[l]), withAtt: withAtt[l]}
		if n < MinCorrelationPairs {
			continue
		}
		rankInto(rx, xs, byX[l])
		rankInto(ry, ys, byY[l])
		if rho, ok := pearson(rx, ry, byX[l]); ok {
			v := round(rho, 4)
			out[l].corr.Rho = &v
		}
	}
	return out
}

func monthsBetween(a, b coaching.Month) int {
	return (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
}

// order returns the indices of v sorted by value, ties in index order.
// It is a radix sort of the values' bits made to sort as unsigned
// integers: with a quarter of a million pairs to order twice, a
// comparison sort was a third of the computation.
func order(v []float64) []int32 {
	keys := make([]uint64, len(v))
	for i, x := range v {
		b := math.Float64bits(x)
		if b>>63 == 1 {
			b = ^b // negatives: larger magnitudes first
		} else {
			b |= 1 << 63 // positives after every negative
		}
		keys[i] = b
	}
	idx, tmp := make([]int32, len(v)), make([]int32, len(v))
	for i := range idx {
		idx[i] = int32(i)
	}
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, i := range idx {
			count[keys[i]>>shift&0xffff]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, i := range idx {
			d := keys[i] >> shift & 0xffff
			tmp[count[d]] = i
			count[d]++
		}
		idx, tmp = tmp, idx
	}
	return idx
}

// rankInto sets r[i] to the rank of v[i] among the pairs in sorted (which
// lists them in order of value), 1 for the smallest; equal values share
// the average of the ranks they span (Spearman's rule for ties).
func rankInto(r, v []float64, sorted []int32) {
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && v[sorted[j]] == v[sorted[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1 .. j, averaged
		for _, k := range sorted[i:j] {
			r[k] = avg
		}
		i = j
	}
}

// pearson is the correlation of a and b over the pairs in idx; ok is false
// when either side does not vary (Spearman's rho is then undefined).
func pearson(a, b []float64, idx []int32) (float64, bool) {
	n := float64(len(idx))
	var ma, mb float64
	for _, i := range idx {
		ma += a[i]
		mb += b[i]
	}
	ma, mb = ma/n, mb/n
	var cov, va, vb float64
	for _, i := range idx {
		da, db := a[i]-ma, b[i]-mb
		cov += da * db
		va += da * da
		vb += db * db
	}
	if va == 0 || vb == 0 {
		return 0, false
	}
	return cov / math.Sqrt(va*vb), true
}
