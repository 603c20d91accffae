package digest

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/coachlog/coachlog/internal/chart"
	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/textcut"
)

// Metrics runs the metrics a digest shows.
type Metrics interface {
	RunAt(ctx context.Context, p metrics.Period, o metrics.Options, now time.Time) (*metrics.Report, error)
	Location() *time.Location // the organisation's zone, the weeks'
}

// Narrator writes an optional narrative per leader id for a week (the
// LLM's: assist.Narrator). A failure leaves the digest without narratives.
type Narrator func(ctx context.Context, week coaching.Week, r *metrics.Report) (map[string]string, error)

// Builder builds a week's digest from the metrics, with its chart: the
// digest source the scheduler, `coachlog digest` and the demo share.
type Builder struct {
	metrics  Metrics
	narrator Narrator
	log      *slog.Logger
}

// NewBuilder returns a Builder on m; narrator may be nil (no narratives).
func NewBuilder(m Metrics, narrator Narrator, log *slog.Logger) *Builder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Builder{metrics: m, narrator: narrator, log: log}
}

var _ coaching.DigestSource = (*Builder)(nil)

// Build computes week's metrics as of now and words them, with the chart.
// A week not over yet (a digest scheduled for Friday, a dry run of this
// week) is judged as of today: on its Sunday, reps coached in time today
// would be called overdue and coverage would fall for days still to come.
// A chart that cannot be drawn is logged and left out: the figures still
// go out.
func (b *Builder) Build(ctx context.Context, week coaching.Week, now time.Time) (*Digest, error) {
	p := metrics.WeekPeriod(week)
	if today := coaching.DateOf(now, b.metrics.Location()); p.To.After(today) && !p.From.After(today) {
		p.To = today
	}
	r, err := b.metrics.RunAt(ctx, p, metrics.DigestOptions(), now)
	if err != nil {
		return nil, fmt.Errorf("compute the metrics of %s: %w", week, err)
	}
	var o Options
	if b.narrator != nil {
		n, err := b.narrator(ctx, week, r)
		if err != nil {
			b.log.WarnContext(ctx, "digest narratives left out", "week", week.String(), "err", err)
		}
		o.Narratives = n
	}
	// The chart is drawn while the words are built: both only read r.
	type drawn struct {
		png []byte
		err error
	}
	pic := make(chan drawn, 1)
	go func() {
		png, err := chart.PNG(ChartData(r, week))
		pic <- drawn{png, err}
	}()
	d := Build(r, week, o)
	c := <-pic
	if c.err != nil {
		b.log.ErrorContext(ctx, "digest chart left out", "week", week.String(), "err", c.err)
		return d, nil
	}
	d.Chart = &Chart{Name: ChartName(week), Title: "Coaching digest " + week.String(), Alt: chartAlt(r, week), PNG: c.png}
	return d, nil
}

// WeekDigest builds the digest as the outbox queues it.
func (b *Builder) WeekDigest(ctx context.Context, week coaching.Week, now time.Time) (coaching.Digest, error) {
	d, err := b.Build(ctx, week, now)
	if err != nil {
		return coaching.Digest{}, err
	}
	posts, err := d.Posts()
	if err != nil {
		return coaching.Digest{}, err
	}
	return coaching.Digest{Week: week, Posts: posts}, nil
}

// chartManagers is how many of the busiest, and of the quietest, managers
// the chart draws when there are more than twice as many: beyond about 20
// bars, names stop being legible on a phone.
const chartManagers = 8

// ChartData is what the chart draws, from the metrics: each manager's
// sessions over the 8 weeks ending with week (all of them, or the busiest
// and the quietest), and the organisation's shares of coaching minutes
// and of reps by tier for the week.
func ChartData(r *metrics.Report, week coaching.Week) chart.Data {
	ms := slices.Clone(r.Managers) // by name
	slices.SortStableFunc(ms, func(a, b metrics.Figures) int { return cmp.Compare(b.WeeksSessions(), a.WeeksSessions()) })
	first := coaching.WeekOf(week.Monday().AddDays(-7 * 7))
	d := chart.Data{
		Title:         "Coaching digest " + week.String(),
		SessionsTitle: fmt.Sprintf("Sessions per manager, %s to %s", first, week),
		TiersTitle:    "Coaching minutes vs reps by tier, " + week.String(),
	}
	shown := ms
	if len(ms) > 2*chartManagers {
		shown = append(slices.Clone(ms[:chartManagers]), ms[len(ms)-chartManagers:]...)
		d.Gap = chartManagers
		d.GapLabel = fmt.Sprintf("… %s between", plural(len(ms)-2*chartManagers, "manager", "managers"))
		d.SessionsTitle += fmt.Sprintf(" (busiest and quietest %d of %s)", chartManagers, coaching.Count(len(ms)))
	}
	for _, m := range shown {
		d.Sessions = append(d.Sessions, chart.Bar{Label: textcut.Cut(name(m.Name), 28), Value: float64(m.WeeksSessions())})
	}
	om := r.Org.Metrics
	// The bars print the percents the digest's tier line prints: a
	// column adds up to 100% in both (TierShares.Percents). A tier with
	// neither reps nor minutes gets no bars, as the line leaves it out:
	// "bottom 0% · 0%" beside a text without it said nothing and took a
	// third of the panel. The bars' colours are the two columns', not
	// the tiers', so the tiers left keep theirs wherever they are drawn.
	minutes, reps := om.TierMinutesShare.Percents(), om.TierRepsShare.Percents()
	for _, t := range metrics.Tiers() {
		if om.TierEmpty(t) {
			continue
		}
		ms, rs := om.TierMinutesShare.Get(t), om.TierRepsShare.Get(t)
		tier := chart.Tier{Label: metrics.TierLabel(t), HasMin: ms != nil, HasRep: rs != nil,
			MinutesText: metrics.WholePercentText(minutes.Get(t)), RepsText: metrics.WholePercentText(reps.Get(t))}
		if ms != nil {
			tier.Minutes = *ms
		}
		if rs != nil {
			tier.Reps = *rs
		}
		d.Tiers = append(d.Tiers, tier)
	}
	if len(d.Tiers) == 0 {
		// No tier has reps or minutes: no minutes at all, which the
		// panel says as the tier line does.
		d.NoTiers, _ = metrics.TierTextWithoutMinutes(om)
	}
	return d
}

// chartAlt describes the chart for screen readers (Slack takes up to
// 1,000 characters).
func chartAlt(r *metrics.Report, week coaching.Week) string {
	which := "every manager's"
	if len(r.Managers) > 2*chartManagers {
		which = fmt.Sprintf("the %d busiest and %d quietest managers'", chartManagers, chartManagers)
	}
	return textcut.Cut(fmt.Sprintf("Bar charts: %s sessions over the 8 weeks to %s; and for %s, each performance tier's share of coaching minutes beside its share of reps.",
		which, week, week), 1000)
}
