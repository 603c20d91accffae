-- A manager's receipt (capture_reply) joins the kinds that take only the
-- room the others leave in their op's lane (coaching.DeferredKinds): in a
-- burst of logged forms, the receipts queued by response_url no longer go
-- ahead of a rep's own click, answered through the same lane (its DM
-- replaced through the click's response_url), which must land within a
-- second. The two partial indexes are migration 0010's with the longer
-- list, written in the order of coaching.DeferredKinds (urgentTerm and
-- bulkTerm in internal/sqlite/outbox.go state it term for term, or SQLite
-- would not use them).
DROP INDEX outbox_urgent;
DROP INDEX outbox_bulk;
CREATE INDEX outbox_urgent ON outbox (op, next_at, id)
	WHERE status = 'pending' AND kind NOT IN ('nudge', 'digest', 'digest_chart', 'rep_reminder', 'capture_reply');
CREATE INDEX outbox_bulk ON outbox (op, next_at, id)
	WHERE status = 'pending' AND kind IN ('nudge', 'digest', 'digest_chart', 'rep_reminder', 'capture_reply');
