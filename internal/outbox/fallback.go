package outbox

import "context"

// responseExpired reports whether a response's URL is too old to use. The
// age counts from when Slack issued the URL (the click, the command), not
// from when the message was queued: a form may stay open for an hour.
// Rows queued before that time was recorded count from their creation.
func (w *Worker) responseExpired(it *job) bool {
	issued := it.Message.ResponseAt
	if issued.IsZero() {
		issued = it.CreatedAt
	}
	return w.now().Sub(issued) > w.policy.ResponseTTL
}

// fallBack delivers a response whose response_url Slack no longer takes by
// the message's fallback route (coaching.Message.Fallback), within the
// same delivery, so that nothing is lost. The row is rewritten to that
// route first: a retry or a restart goes on from there. A message without
// a fallback fails, visibly.
func (w *Worker) fallBack(ctx context.Context, it *job, reason string) error {
	fb, ok := it.Message.Fallback()
	if !ok {
		return w.fail(ctx, it, reason)
	}
	if held, err := w.q.RerouteOutbox(ctx, it.ID, w.owner, fb); err != nil || !held {
		if err == nil {
			w.leftToOther(ctx, it, "reroute")
		}
		return err
	}
	w.log.InfoContext(ctx, "response_url unusable; delivering by the fallback route", "outbox_id", it.ID,
		"kind", string(fb.Kind), "op", string(fb.Op), "to", fb.To, "reason", reason)
	it.Message = fb
	return w.deliver(ctx, it)
}
