-- The outbox keeps every row it queued, so counting the failed ones (the
-- coachlog_outbox_failed gauge, read at every scrape of /metrics) read the
-- whole table: slower every week, until the scrape's one-second read
-- timeout turned the gauge into -1 for good. Failed messages are few: a
-- partial index holds just them.
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
