package assist

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/metrics"
)

// Prep writes /coach prep briefs: the domain decides who may ask and what
// they may read, the metrics give the numbers, llm's PrepWriter the text.
type Prep struct {
	Service *coaching.Service
	Trends  metrics.RepStore
	// People are everyone Coachlog knows, for the names a brief may not
	// hold (all but the rep's and the manager's); *sqlite.Store is one.
	// Nil: only the brief's other checks apply.
	People PeopleReader
	Writer *llm.PrepWriter
	// DefaultCadence is COACHLOG_CADENCE_DAYS, for a manager without their own.
	DefaultCadence int
	// ProseBudget bounds the wait for the model's prose, retries
	// included; past it the brief is the plain list. Zero: no bound but
	// the model's own timeouts.
	ProseBudget time.Duration
	Log         *slog.Logger
}

// Brief writes managerID's brief about repID. A refusal is a domain error
// (EForbidden); a failure of the model, or its prose not written within
// ProseBudget, is logged and the brief is the plain list, marked
// Unwritten so that the manager is told. writing, when
// not nil, is called once the manager may read the brief and just before
// the model is asked, so that they can be told to wait.
func (p *Prep) Brief(ctx context.Context, managerID, repID string, writing func()) (llm.Brief, error) {
	facts, err := p.Service.Prep(ctx, managerID, repID)
	if err != nil {
		return llm.Brief{}, err
	}
	today := p.Service.Today(ctx, managerID)
	trend, err := metrics.RepTrendOn(ctx, p.Trends, repID, today)
	if err != nil {
		return llm.Brief{}, err
	}
	in := PrepInput(facts, p.Service.Skills(), today, trend, p.DefaultCadence)
	if p.Writer.Writes() {
		if err := p.names(ctx, &in, managerID, repID); err != nil {
			return llm.Brief{}, err
		}
		if writing != nil {
			writing()
		}
		if p.ProseBudget > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, p.ProseBudget)
			defer cancel()
		}
	}
	b, err := p.Writer.Brief(ctx, in)
	if err != nil {
		reason := "error"
		if fl, ok := errors.AsType[*llm.Failure](err); ok {
			reason = fl.Reason
		}
		p.log().Warn("prep brief without the model's prose", "feature", llm.FeaturePrep, "reason", reason, "user_id", managerID)
	}
	return b, nil
}

// names fills in's manager's name and everyone else's, bots aside (a
// bot's name, "Coachlog", would only cost sentences), for the model's
// brief to be checked against; read only when the model is asked, since
// the roster may be thousands.
func (p *Prep) names(ctx context.Context, in *llm.PrepInput, managerID, repID string) error {
	if p.People == nil {
		return nil
	}
	people, err := p.People.People(ctx)
	if err != nil {
		return fmt.Errorf("read names for the prep brief of %s: %w", managerID, err)
	}
	for _, person := range people {
		switch name := strings.TrimSpace(person.Name); {
		case person.ID == managerID:
			in.ManagerName = person.DisplayName()
		case person.ID == repID || name == "" || person.IsBot:
		default:
			in.Names = append(in.Names, name)
		}
	}
	return nil
}

// PeopleReader reads everyone Coachlog knows.
type PeopleReader interface {
	People(ctx context.Context) ([]coaching.Person, error)
}

func (p *Prep) log() *slog.Logger { return orDiscard(p.Log) }

// orDiscard is l, or a logger that drops everything when l is nil.
func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// PrepInput turns the domain's prep facts and the metrics' trend into what
// llm writes a brief from: each session as the rep saw it (their status,
// comment and dispute reason), skills by label, never a rating.
func PrepInput(f coaching.Prep, skills []coaching.Skill, today coaching.Date, t metrics.RepTrend, defaultCadence int) llm.PrepInput {
	label := map[string]string{}
	for _, s := range skills {
		label[s.ID] = s.Label
	}
	in := llm.PrepInput{RepName: f.Rep.DisplayName(), Today: today, Trend: llm.Trend{
		Sessions: t.Sessions, Minutes: t.Minutes, PrevSessions: t.PrevSessions, PrevMinutes: t.PrevMinutes,
		LastSession: t.LastSession, CadenceDays: f.CadenceDays,
	}}
	if in.Trend.CadenceDays == 0 {
		in.Trend.CadenceDays = defaultCadence
	}
	for _, s := range f.Sessions {
		ps := llm.PrepSession{On: s.OccurredOn, Kind: s.Kind, Role: s.Role, DurationMin: s.DurationMin, Reps: len(s.ActiveRepIDs()), Notes: s.Notes}
		for _, id := range s.Skills {
			ps.Skills = append(ps.Skills, orDefault(label[id], id))
		}
		if r, ok := s.Rep(f.Rep.ID); ok {
			ps.Status, ps.Comment, ps.DisputeReason = r.Status, r.Comment, r.DisputeReason
		}
		in.Sessions = append(in.Sessions, ps)
	}
	for _, c := range f.Commitments {
		in.Commitments = append(in.Commitments, llm.OpenCommitment{Text: c.Text, MadeOn: c.CreatedOn, FollowUpOn: c.FollowUpOn})
	}
	in.MoreCommitments = f.MoreCommitments
	return in
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
