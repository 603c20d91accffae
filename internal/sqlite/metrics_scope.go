package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/coachlog/coachlog/internal/metrics"
)

// scopedMetricsData loads a run scoped to q.Root: only the part of the
// organisation below the root, found first by walking the reporting lines
// (see scope and metrics.Query.Root), each query naming the people it
// reads. It is small, so it runs in one read transaction, one query after
// the other: people last, once the pairs have said whose tiers are
// needed. It returns nil, nil when most of the organisation is below the
// root: the whole load is then cheaper.
func (s *Store) scopedMetricsData(ctx context.Context, q metrics.Query) (*metrics.Data, error) {
	var d *metrics.Data
	err := s.readMetrics(ctx, func(r metricsReader) error {
		sc, err := r.scope(ctx, q.Root)
		if err != nil || sc == nil {
			return err
		}
		d = &metrics.Data{}
		below := only(sc.below)
		if err := r.scopedPairs(ctx, q, sc, d); err != nil {
			return err
		}
		people := only(scopedPeople(sc, d.Pairs))
		hist := map[string][]metrics.Line{}
		for _, step := range []func() error{
			func() error { return r.people(ctx, q, d, people) },
			func() error { return r.history(ctx, hist, people) },
			func() error { return r.coached(ctx, q, d, below, below) },
			func() error { return r.commitments(ctx, q, d, below) },
			func() error { return r.months(ctx, q, d, below) },
			func() error { return r.open(ctx, q, d, below) },
			func() error { return r.asked(ctx, q, d) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		for i := range d.People {
			d.People[i].History = hist[d.People[i].ID]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// scopedPairs reads the (session, rep) pairs from q.PairsFrom to q.To a
// scoped run needs: those of sessions logged by people below the root, and
// those of sessions with a rep below it, whoever logged them. Sessions
// come whole, every rep's pair: a team meeting's minutes are split among
// all its reps.
func (r metricsReader) scopedPairs(ctx context.Context, q metrics.Query, sc *scope, d *metrics.Data) error {
	from, to := q.PairsFrom.String(), q.To.String()
	marks, args := inArgs(sc.below)
	f := only(sc.below)
	if err := r.pairRows(ctx, f, pairsQuery+` AND s.manager_id IN (`+marks+`)`,
		append([]any{from, to}, args...), nil, &d.Pairs); err != nil {
		return err
	}
	// The sessions of reps below, logged by someone who is not (those
	// logged by people below came whole just now).
	return r.pairRows(ctx, f, pairsQuery+` AND sr.session_id IN (SELECT x.session_id FROM session_reps x
			WHERE x.live = 1 AND x.occurred_on >= ? AND x.occurred_on <= ? AND x.rep_id IN (`+marks+`))`,
		slices.Concat([]any{from, to, from, to}, args), func(p *metrics.Pair) bool { return !sc.isBelow[p.ManagerID] }, &d.Pairs)
}

// scopedPeople lists the people a scoped run reads: those below and above
// the root, and the reps of the pairs loaded (their tier on the day).
func scopedPeople(sc *scope, pairs []metrics.Pair) []string {
	ids := slices.Concat(sc.below, sc.above)
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[id] = true
	}
	for _, p := range pairs {
		if !seen[p.RepID] {
			seen[p.RepID] = true
			ids = append(ids, p.RepID)
		}
	}
	return ids
}

// maxScoped is the most people below a root that a scoped metrics run
// reads one by one; past it (a leader of most of the organisation) reading
// everything costs less than naming them all, and gives the same figures.
const maxScoped = 5000

// maxDepth bounds the walk of reporting lines, so that a cycle left in
// the data cannot loop.
const maxDepth = 64

// scope is who a metrics run scoped to a root reads (metrics.Query.Root):
// the people ever below the root, the root included, and those ever above
// it.
type scope struct {
	below   []string
	above   []string
	isBelow map[string]bool
}

// scope finds the people below and above root by walking the reporting
// lines, the roster's and the history's, a level at a time. It returns nil
// when more than maxScoped people are below: then everything is read.
func (r metricsReader) scope(ctx context.Context, root string) (*scope, error) {
	below, err := r.walk(ctx, root, `SELECT person_id FROM reporting_history WHERE manager_id IN (%s)
		UNION SELECT id FROM people WHERE manager_id IN (%s)`, maxScoped)
	if err != nil || below == nil {
		return nil, err
	}
	above, err := r.walk(ctx, root, `SELECT manager_id FROM reporting_history WHERE person_id IN (%s) AND manager_id IS NOT NULL
		UNION SELECT manager_id FROM people WHERE id IN (%s) AND manager_id IS NOT NULL`, 0)
	if err != nil {
		return nil, err
	}
	sc := &scope{below: below, isBelow: make(map[string]bool, len(below))}
	for _, id := range below {
		sc.isBelow[id] = true
	}
	for _, id := range above[1:] { // above[0] is the root
		if !sc.isBelow[id] {
			sc.above = append(sc.above, id)
		}
	}
	return sc, nil
}

// walk follows the reporting lines from root one level at a time with
// step, a query whose two %s take the level's ids. It returns root and
// everyone reached, root first; nil when more than limit are reached
// (limit 0: no limit).
func (r metricsReader) walk(ctx context.Context, root, step string, limit int) ([]string, error) {
	seen := map[string]bool{root: true}
	out := []string{root}
	for level, depth := []string{root}, 0; len(level) > 0 && depth < maxDepth; depth++ {
		marks, args := inArgs(level)
		rows, err := r.q.tx.QueryContext(ctx, fmt.Sprintf(step, marks, marks), append(args, args...)...)
		if err != nil {
			return nil, fmt.Errorf("walk the reporting lines from %s: %w", root, err)
		}
		var next []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("walk the reporting lines from %s: %w", root, err)
			}
			if !seen[id] {
				seen[id] = true
				next = append(next, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("walk the reporting lines from %s: %w", root, err)
		}
		out = append(out, next...)
		if limit > 0 && len(out) > limit {
			return nil, nil
		}
		level = next
	}
	return out, nil
}

// inArgs returns "?, ?, ?" for ids and ids as arguments. Such queries vary
// with the number of ids; the metrics load runs them unprepared, where the
// statement cache would keep one statement per length.
func inArgs(ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// filter is an optional "AND <col> IN (...)" a query of the metrics load
// ends with: empty for a run over the whole organisation.
type filter struct {
	ids []string
	on  bool
}

func only(ids []string) filter { return filter{ids: ids, on: true} }

// and returns the condition on col and its arguments.
func (f filter) and(col string) (string, []any) {
	if !f.on {
		return "", nil
	}
	if len(f.ids) == 0 {
		return " AND 1 = 0", nil
	}
	marks, args := inArgs(f.ids)
	return " AND " + col + " IN (" + marks + ")", args
}

// query runs q, through the statement cache when unfiltered: a filtered
// query's text varies with the number of ids.
func (r metricsReader) query(ctx context.Context, f filter, q string, args ...any) (*sql.Rows, error) {
	if f.on {
		return r.q.tx.QueryContext(ctx, q, args...)
	}
	return r.q.QueryContext(ctx, q, args...)
}
