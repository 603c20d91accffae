package assist

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/metrics"
)

// narrativeBudget bounds the time all of one digest's narratives may take.
const narrativeBudget = 2 * time.Minute

// WeekStore reads a week's sessions and everyone's names; *sqlite.Store is
// one.
type WeekStore interface {
	WeekSessions(ctx context.Context, from, to coaching.Date) ([]coaching.Session, error)
	People(ctx context.Context) ([]coaching.Person, error)
}

// Narrator writes the digest's narrative per leader: recurring skill themes
// and commitments in the week's sessions below each leader, by llm's
// Narrator. Its Narrate is the digest builder's narrator hook; it is wired
// only when the narrative is on (a key and COACHLOG_LLM_NOTES=on).
// Whatever goes wrong with it leaves the rest of the digest as built.
type Narrator struct {
	Store  WeekStore
	Writer *llm.Narrator
	Skills []coaching.Skill
	Log    *slog.Logger
}

// Narrate writes the week's narratives, by leader id, from the digest's
// own metrics run r (its leaders' trees and figures). An error says what is
// missing; the narratives written are returned with it.
func (n *Narrator) Narrate(ctx context.Context, week coaching.Week, r *metrics.Report) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, narrativeBudget)
	defer cancel()
	in, err := n.Input(ctx, week, r)
	if err != nil || len(in.Leaders) == 0 {
		return nil, err
	}
	texts, err := n.Writer.Write(ctx, in)
	if err != nil {
		n.log().Warn("digest narrative incomplete; the digest goes out without what is missing", "week", week.String(),
			"narratives", len(texts), "reason", reasons(err))
	}
	return texts, err
}

// Input gathers what the week's narratives are written from: per leader
// with sessions below them, the metrics' sessions and minutes, and from the
// sessions their managers logged, the kinds, skills, commitments, notes
// with their visibility (llm sends only shared ones); and every name to
// keep out of every leader's narrative: everyone Coachlog knows, in the
// leader's tree or another's, leaders and admins too (a note may name
// anyone, and the model may name anyone a note names).
func (n *Narrator) Input(ctx context.Context, week coaching.Week, r *metrics.Report) (llm.NarrativeInput, error) {
	in := llm.NarrativeInput{Week: week}
	sessions, err := n.Store.WeekSessions(ctx, week.Monday(), week.Sunday())
	if err != nil {
		return in, err
	}
	people, err := n.Store.People(ctx)
	if err != nil {
		return in, fmt.Errorf("read names for the narrative of %s: %w", week, err)
	}
	for _, p := range people {
		// A bot is no person: its name ("Coachlog") would only cost
		// sentences.
		if name := strings.TrimSpace(p.Name); name != "" && !p.IsBot {
			in.Names = append(in.Names, name)
		}
	}
	slices.Sort(in.Names)
	in.Names = slices.Compact(in.Names)
	byManager := map[string][]coaching.Session{}
	for _, s := range sessions {
		byManager[s.ManagerID] = append(byManager[s.ManagerID], s)
	}
	skill := map[string]string{}
	for _, s := range n.Skills {
		skill[s.ID] = s.Label
	}
	managers := r.ManagerIndex() // once for every leader's tree
	for _, f := range r.Leaders {
		if f.Metrics.Sessions == 0 {
			continue
		}
		lw := llm.LeaderWeek{LeaderID: f.ID, ManagersCoaching: metrics.CountCoaching(managers.Figures(f.ManagerIDs)), Sessions: f.Metrics.Sessions, Minutes: f.Metrics.Minutes}
		kinds, skills := map[string]int{}, map[string]int{}
		for _, m := range f.ManagerIDs {
			for _, s := range byManager[m] {
				kinds[s.Kind.Label()]++
				for _, id := range s.Skills {
					skills[orDefault(skill[id], id)]++
				}
				removed := map[string]bool{}
				for _, rep := range s.Reps {
					removed[rep.RepID] = rep.Removed
				}
				for _, c := range s.Commitments {
					if removed[c.RepID] {
						continue
					}
					lw.CommitmentsMade++
					switch c.Status {
					case coaching.CommitmentKept:
						lw.CommitmentsKept++
					case coaching.CommitmentOpen:
						lw.CommitmentsOpen++
					}
				}
				if s.Notes != "" {
					lw.Notes = append(lw.Notes, llm.Note{Text: s.Notes, Visibility: s.Visibility})
				}
			}
		}
		lw.Kinds, lw.Skills = counts(kinds), counts(skills)
		in.Leaders = append(in.Leaders, lw)
	}
	return in, nil
}

// counts lists labels by how many sessions had them, most first.
func counts(m map[string]int) []llm.Count {
	var out []llm.Count
	for label, n := range m {
		out = append(out, llm.Count{Label: label, N: n})
	}
	slices.SortFunc(out, func(a, b llm.Count) int { return cmp.Or(b.N-a.N, cmp.Compare(a.Label, b.Label)) })
	return out
}

// reasons names why narratives are missing, one reason per leader
// without one, safe to log: llm's failures carry no text, and the other
// errors are the store's and the metrics'.
func reasons(err error) string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, reasons(e))
		}
		return strings.Join(out, ",")
	}
	if fl, ok := errors.AsType[*llm.Failure](err); ok {
		return fl.Reason
	}
	return err.Error()
}

func (n *Narrator) log() *slog.Logger { return orDiscard(n.Log) }
