package main

import (
	"context"
	"slices"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/ops"
	"github.com/coachlog/coachlog/internal/outbox"
)

// dailyKinds are the scheduled messages /healthz counts over a day
// (ops.FailureWindow): all but the weekly digest's, which
// failingDigests names a week at a time.
var dailyKinds = slices.DeleteFunc(slices.Clone(coaching.ScheduledKinds), func(k coaching.MessageKind) bool {
	return k == coaching.MsgDigest || k == coaching.MsgDigestChart
})

// dailyFailures are the nudges and reminders that failed for good in the
// last day, by kind, for /healthz.
func (a *app) dailyFailures(ctx context.Context) ([]ops.Failures, error) {
	kf, err := a.store.RecentFailures(ctx, dailyKinds, a.svc.Now().Add(-ops.FailureWindow))
	out := make([]ops.Failures, 0, len(kf))
	for _, k := range kf {
		out = append(out, ops.Failures{Kind: string(k.Kind), Failed: k.Failed, Failing: k.Failing})
	}
	return out, err
}

// failingDigests are the weeks whose digest failed for good and stands
// failed (sqlite.Store.FailingDigests), for /healthz: one each, named by
// the first of its messages Slack answered (the headline, whose chart and
// replies fail because it never posted), so the line says the cause to
// mend, and where.
func (a *app) failingDigests(ctx context.Context) ([]ops.DigestFailure, error) {
	fs, err := a.store.FailingDigests(ctx, a.svc.Now(), ops.DigestFailureWindow)
	if err != nil {
		return nil, err
	}
	out := make([]ops.DigestFailure, 0, len(fs))
	for _, f := range fs {
		d := ops.DigestFailure{Week: f.Week, Channel: f.Messages[0].To}
		for _, m := range f.Messages {
			if code := outbox.SlackCode(m.Reason); code != "" {
				d.Channel, d.Code = m.To, code
				break
			}
		}
		out = append(out, d)
	}
	return out, nil
}
