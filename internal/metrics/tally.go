package metrics

import "github.com/coachlog/coachlog/internal/coaching"

// tally holds one scope's figures for a period as exact counts and sums, so
// that a leader's figures are the sums of their managers' and every share
// is pooled (numerators over denominators), never an average of averages.
type tally struct {
	sessions, minutes int
	reps, covered     int // team reps not away at the period's end, and those within cadence
	overdue           int
	tierMinutes       [nTiers]float64
	teamReps          int // the whole team at the period's end, away or not
	tierReps          [nTiers]int
	rides             [3]int // lead, participant, observer
	pairs             int
	confirmed         int
	disputed          int
	pending           int
	young             int // pending, asked within coaching.ReminderAfter (Data.Asked)
	ratings           int
	ratingSum         int
	ratingsApart      int // a tree's: ratings of managers under MinRatings, left out of its pool
	withCommitments   int // sessions with at least one commitment
	made, kept        int // commitments made in the period and the 4 weeks before; kept by its end
	weeks, weeksMet   int // consistency: weeks judged, weeks at coverage >= 0.8
	before, beforeMet int // the same for the 4 weeks before
}

func (t *tally) add(o *tally) {
	t.sessions += o.sessions
	t.minutes += o.minutes
	t.reps += o.reps
	t.covered += o.covered
	t.overdue += o.overdue
	t.teamReps += o.teamReps
	for i := range t.tierMinutes {
		t.tierMinutes[i] += o.tierMinutes[i]
		t.tierReps[i] += o.tierReps[i]
	}
	for i := range t.rides {
		t.rides[i] += o.rides[i]
	}
	t.pairs += o.pairs
	t.confirmed += o.confirmed
	t.disputed += o.disputed
	t.pending += o.pending
	t.young += o.young
	t.ratings += o.ratings
	t.ratingSum += o.ratingSum
	t.ratingsApart += o.ratingsApart
	t.withCommitments += o.withCommitments
	t.made += o.made
	t.kept += o.kept
	t.weeks += o.weeks
	t.weeksMet += o.weeksMet
	t.before += o.before
	t.beforeMet += o.beforeMet
}

// MinRatings is the fewest ratings a mean is shown for: a manager never
// sees a single rep's rating.
const MinRatings = 3

// addToTree adds manager tally o into a leader's tree or the organisation:
// everything, but ratings only from a manager whose own mean shows. A tree
// pooling a manager's one or two ratings would give them away: the tree's
// sum less the sums of the managers shown beside it (4 × 2.75 − 3 × 2 = 5)
// is that manager's lone rating, to the leader and to every reader of the
// digest. Pooled from shown means only, every figure is a sum of means
// already shown.
func (t *tally) addToTree(o *tally) {
	if o.ratings >= MinRatings {
		t.add(o)
		return
	}
	unrated := *o
	unrated.ratingsApart += o.ratings
	unrated.ratings, unrated.ratingSum = 0, 0
	t.add(&unrated)
}

// metrics turns the counts into the published figures.
func (t *tally) metrics() Metrics {
	m := Metrics{
		Sessions: t.sessions, Minutes: t.minutes,
		Reps: t.reps, Covered: t.covered, Coverage: share(t.covered, t.reps), Overdue: t.overdue,
		RideAlongs: RoleCounts{Lead: t.rides[0], Participant: t.rides[1], Observer: t.rides[2]},
		Pairs:      t.pairs, Confirmed: t.confirmed, Disputed: t.disputed, Pending: t.pending,
		ConfirmationRate:  share(t.confirmed, t.pairs),
		Ratings:           t.ratings,
		RatingsApart:      t.ratingsApart,
		WithCommitments:   share(t.withCommitments, t.sessions),
		CommitmentsKept:   share(t.kept, t.made),
		Consistency:       share(t.weeksMet, t.weeks),
		ConsistencyBefore: share(t.beforeMet, t.before),
	}
	if t.ratings >= MinRatings {
		v := round(float64(t.ratingSum)/float64(t.ratings), 2)
		m.MeanRating = &v
	}
	m.TierMinutes = TierMinutes{round(t.tierMinutes[0], 2), round(t.tierMinutes[1], 2), round(t.tierMinutes[2], 2), round(t.tierMinutes[3], 2)}
	m.TierMinutesShare, m.TierRepsShare = t.tierShareSets()
	return m
}

// tierShareSets are the published tier shares of minutes and of the
// team's reps: what the tier line prints (as TierShares.Percents) and
// what a tier skew finding names, so that one share reads one percent.
func (t *tally) tierShareSets() (minutes, reps TierShares) {
	var total float64
	for _, v := range t.tierMinutes {
		total += v
	}
	var ms, rs [nTiers]*float64
	for i := range t.tierMinutes {
		ms[i] = shareF(t.tierMinutes[i], total)
		rs[i] = share(t.tierReps[i], t.teamReps)
	}
	return TierShares{ms[0], ms[1], ms[2], ms[3]}, TierShares{rs[0], rs[1], rs[2], rs[3]}
}

// tierShares are the exact minute and rep shares of tier t, for insights;
// ok is false when either has nothing to divide.
func (t *tally) tierShares(tier coaching.Tier) (minutes, reps float64, ok bool) {
	var total float64
	for _, v := range t.tierMinutes {
		total += v
	}
	if total == 0 || t.teamReps == 0 {
		return 0, 0, false
	}
	i := tierIndex(tier)
	return t.tierMinutes[i] / total, float64(t.tierReps[i]) / float64(t.teamReps), true
}

func roleIndex(r coaching.Role) int {
	switch r {
	case coaching.RoleLead:
		return 0
	case coaching.RoleParticipant:
		return 1
	case coaching.RoleObserver:
		return 2
	}
	return -1
}
