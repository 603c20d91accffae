// Package export writes coaching sessions as CSV or JSON for spreadsheets
// and BI tools: one row per session and rep.
package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/csvsafe"
)

// Source streams the rows to export.
type Source interface {
	ExportRows(ctx context.Context, from, to coaching.Date, fn func(coaching.ExportRow) error) error
}

// Options choose what is written.
type Options struct {
	Format    string // csv or json
	WithNotes bool   // note text, rep comments and dispute reasons
	From, To  coaching.Date
}

// Columns lists the exported fields in order; notes-bearing ones only with
// WithNotes.
func Columns(withNotes bool) []string {
	cols := []string{"id", "occurred_on", "manager_id", "manager_name", "rep_id", "rep_name", "kind", "role",
		"duration_min", "rep_minutes", "skills", "status", "rating", "source", "visibility", "commitments",
		"created_at", "updated_at"}
	if withNotes {
		cols = append(cols, "notes", "comment", "dispute_reason")
	}
	return cols
}

// Write exports every row of src to w. It returns the number of rows.
func Write(ctx context.Context, w io.Writer, src Source, o Options) (int, error) {
	bw := bufio.NewWriter(w)
	var n int
	var err error
	switch o.Format {
	case "", "csv":
		n, err = writeCSV(ctx, bw, src, o)
	case "json":
		n, err = writeJSON(ctx, bw, src, o)
	default:
		return 0, fmt.Errorf("unknown format %q: use csv or json", o.Format)
	}
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// writeCSV writes through csvsafe: names and notes come from people, and a
// cell such as a display name "=HYPERLINK(...)" must open as text.
func writeCSV(ctx context.Context, w io.Writer, src Source, o Options) (int, error) {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(Columns(o.WithNotes)); err != nil {
		return 0, err
	}
	n := 0
	err := src.ExportRows(ctx, o.From, o.To, func(r coaching.ExportRow) error {
		n++
		rating := ""
		if r.Rating > 0 {
			rating = strconv.Itoa(r.Rating)
		}
		rec := []string{strconv.FormatInt(r.ID, 10), r.OccurredOn.String(), r.ManagerID, r.ManagerName, r.RepID, r.RepName,
			string(r.Kind), string(r.Role), strconv.Itoa(r.DurationMin), formatMinutes(repMinutes(r)),
			strings.Join(r.Skills, ";"), string(r.Status), rating, string(r.Source), string(r.Visibility),
			strconv.Itoa(r.Commitments), stamp(r.CreatedAt), stamp(r.UpdatedAt)}
		if o.WithNotes {
			rec = append(rec, r.Notes, r.Comment, r.DisputeReason)
		}
		return cw.Write(rec)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

// jsonRow has the same keys as the CSV header.
type jsonRow struct {
	ID            int64    `json:"id"`
	OccurredOn    string   `json:"occurred_on"`
	ManagerID     string   `json:"manager_id"`
	ManagerName   string   `json:"manager_name"`
	RepID         string   `json:"rep_id"`
	RepName       string   `json:"rep_name"`
	Kind          string   `json:"kind"`
	Role          *string  `json:"role"`
	DurationMin   int      `json:"duration_min"`
	RepMinutes    float64  `json:"rep_minutes"`
	Skills        []string `json:"skills"`
	Status        string   `json:"status"`
	Rating        *int     `json:"rating"`
	Source        string   `json:"source"`
	Visibility    string   `json:"visibility"`
	Commitments   int      `json:"commitments"`
	CreatedAt     string   `json:"created_at"`
	UpdatedAt     string   `json:"updated_at"`
	Notes         *string  `json:"notes,omitempty"`
	Comment       *string  `json:"comment,omitempty"`
	DisputeReason *string  `json:"dispute_reason,omitempty"`
}

// writeJSON streams one array of objects, so a large export never sits in
// memory whole.
func writeJSON(ctx context.Context, w io.Writer, src Source, o Options) (int, error) {
	if _, err := io.WriteString(w, "["); err != nil {
		return 0, err
	}
	n := 0
	err := src.ExportRows(ctx, o.From, o.To, func(r coaching.ExportRow) error {
		row := jsonRow{ID: r.ID, OccurredOn: r.OccurredOn.String(), ManagerID: r.ManagerID, ManagerName: r.ManagerName,
			RepID: r.RepID, RepName: r.RepName, Kind: string(r.Kind), DurationMin: r.DurationMin, RepMinutes: repMinutes(r),
			Skills: r.Skills, Status: string(r.Status), Source: string(r.Source), Visibility: string(r.Visibility),
			Commitments: r.Commitments, CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)}
		if row.Skills == nil {
			row.Skills = []string{}
		}
		if r.Role != "" {
			role := string(r.Role)
			row.Role = &role
		}
		if r.Rating > 0 {
			row.Rating = &r.Rating
		}
		if o.WithNotes {
			row.Notes, row.Comment, row.DisputeReason = &r.Notes, &r.Comment, &r.DisputeReason
		}
		b, err := json.Marshal(row)
		if err != nil {
			return err
		}
		sep := ",\n"
		if n == 0 {
			sep = "\n"
		}
		n++
		_, err = io.WriteString(w, sep+string(b))
		return err
	})
	if err != nil {
		return n, err
	}
	_, err = io.WriteString(w, "\n]\n")
	return n, err
}

// repMinutes is the rep's share of a session's minutes: a team meeting's
// time is split evenly among its reps.
func repMinutes(r coaching.ExportRow) float64 {
	if r.RepCount <= 1 {
		return float64(r.DurationMin)
	}
	return float64(int(float64(r.DurationMin)/float64(r.RepCount)*100+0.5)) / 100
}

func formatMinutes(m float64) string { return strconv.FormatFloat(m, 'f', -1, 64) }

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
