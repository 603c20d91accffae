-- Within each op's lane, a claim takes the due messages someone is waiting
-- for (a rep's DM, a receipt, a reply) before the bulk that scheduled jobs
-- queue (coaching.ScheduledKinds): a rep's DM queued during Monday's 2,000
-- nudges goes within seconds, not after them. Each of these two indexes
-- holds one side of outbox_lane, so each side's claim is a seek that reads
-- only what it takes, however deep the other side's backlog. A partial
-- index serves a query only when the query states its WHERE term for term:
-- the claim writes the kind list exactly so (kindTerm in
-- internal/sqlite/outbox.go; TestClaimPlansSeekTheUrgentAndBulkIndexes
-- checks that the plan uses them).
CREATE INDEX outbox_urgent ON outbox (op, next_at, id)
	WHERE status = 'pending' AND kind NOT IN ('nudge', 'digest', 'digest_chart', 'rep_reminder');
CREATE INDEX outbox_bulk ON outbox (op, next_at, id)
	WHERE status = 'pending' AND kind IN ('nudge', 'digest', 'digest_chart', 'rep_reminder');
