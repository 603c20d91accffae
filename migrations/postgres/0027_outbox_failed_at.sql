-- The failed messages of the last 24 h (/healthz's failed digests, the
-- coachlog_outbox_failed gauge, read at every scrape) are counted by when
-- they failed: outbox_failed (migration 0013) holds every failed message
-- ever kept, by id, so each read went through all of them to look at
-- done_at, more with each week. This one holds them by when they failed:
-- a day's read is a range of it.
CREATE INDEX outbox_failed_at ON outbox (done_at) WHERE status = 'failed';
