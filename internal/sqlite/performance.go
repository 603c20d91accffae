package sqlite

import (
	"context"
	"fmt"
	"slices"

	"github.com/coachlog/coachlog/internal/coaching"
)

// PerformanceResult says what a performance import changed.
type PerformanceResult struct {
	Months   []coaching.Month // the months replaced, oldest first
	Records  int              // records written
	Replaced int              // records of those months there were before
	// Dropped counts the reps with a record among Replaced that the
	// import has none for in that month: gone, not replaced. A partial export (one team's
	// reps) removes everyone else's figure for the month; the command says
	// so rather than leave it to be found in the digest.
	Dropped int
}

// putAttainmentQuery stores one rep's attainment for a month.
const putAttainmentQuery = `INSERT INTO rep_months (month, rep_id, attainment) VALUES (?, ?, ?)
	ON CONFLICT (month, rep_id) DO UPDATE SET attainment = excluded.attainment`

// ImportPerformance writes attainment records in one transaction. Each
// month in records is replaced whole: a re-import of a month removes that
// month's earlier records, so a rep left out of the new file has none.
// Records live in rep_months beside the coaching minutes of the same rep
// and month.
func (s *Store) ImportPerformance(ctx context.Context, records []coaching.Attainment) (PerformanceResult, error) {
	var res PerformanceResult
	for _, r := range records {
		if !slices.Contains(res.Months, r.Month) {
			res.Months = append(res.Months, r.Month)
		}
	}
	slices.SortFunc(res.Months, func(a, b coaching.Month) int { return a.First().Compare(b.First()) })
	s.wq.c.prepare(ctx, putAttainmentQuery) // run once per record; see ImportRoster
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		res.Replaced, res.Records = 0, 0 // a retried import counts again from nothing
		if err := t.lockImport(ctx, "performance"); err != nil {
			return err
		}
		dropped := map[string]bool{}
		for _, m := range res.Months {
			if err := t.dropped(ctx, m, records, dropped); err != nil {
				return err
			}
		}
		res.Dropped = len(dropped)
		for _, m := range res.Months {
			r, err := t.q.ExecContext(ctx, `UPDATE rep_months SET attainment = NULL
				WHERE month = ? AND attainment IS NOT NULL`, m.String())
			if err != nil {
				return fmt.Errorf("clear %s: %w", m, err)
			}
			n, err := r.RowsAffected()
			if err != nil {
				return fmt.Errorf("clear %s: %w", m, err)
			}
			res.Replaced += int(n)
		}
		for _, r := range records {
			if _, err := t.q.ExecContext(ctx, putAttainmentQuery, r.Month.String(), r.RepID, r.Percent); err != nil {
				return fmt.Errorf("store attainment of %s in %s: %w", r.RepID, r.Month, err)
			}
			res.Records++
		}
		return nil
	})
	if err != nil {
		return PerformanceResult{}, fmt.Errorf("import performance: %w", err)
	}
	return res, nil
}

// Performance lists the attainment records of a month, by rep.
func (s *Store) Performance(ctx context.Context, m coaching.Month) ([]coaching.Attainment, error) {
	rows, err := s.rq.QueryContext(ctx, `SELECT rep_id, attainment FROM rep_months
		WHERE month = ? AND attainment IS NOT NULL ORDER BY rep_id`, m.String())
	if err != nil {
		return nil, fmt.Errorf("read attainment of %s: %w", m, err)
	}
	defer rows.Close()
	var out []coaching.Attainment
	for rows.Next() {
		a := coaching.Attainment{Month: m}
		if err := rows.Scan(&a.RepID, &a.Percent); err != nil {
			return nil, fmt.Errorf("read attainment of %s: %w", m, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// dropped adds to out the reps with a record for month that records, the
// import, has none for in that month.
func (t *tx) dropped(ctx context.Context, m coaching.Month, records []coaching.Attainment, out map[string]bool) error {
	named := map[string]bool{}
	for _, r := range records {
		if r.Month == m {
			named[r.RepID] = true
		}
	}
	rows, err := t.q.QueryContext(ctx, `SELECT rep_id FROM rep_months WHERE month = ? AND attainment IS NOT NULL`, m.String())
	if err != nil {
		return fmt.Errorf("read %s before replacing it: %w", m, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rep string
		if err := rows.Scan(&rep); err != nil {
			return fmt.Errorf("read %s before replacing it: %w", m, err)
		}
		if !named[rep] {
			out[rep] = true
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s before replacing it: %w", m, err)
	}
	return nil
}
