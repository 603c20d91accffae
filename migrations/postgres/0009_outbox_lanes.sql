-- The outbox worker claims each op's due messages apart (as many as Slack's
-- limit for that op's method lets it send now), oldest due first. This
-- index makes each of those claims a seek that reads only what it takes,
-- however deep the backlog of other ops or of messages not yet due.
CREATE INDEX outbox_lane ON outbox (op, next_at, id) WHERE status = 'pending';
