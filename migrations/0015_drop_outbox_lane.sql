-- A pending message sat in three indexes by due time: outbox_pending (all
-- ops), outbox_lane (by op) and one of outbox_urgent and outbox_bulk (by
-- op, split by kind), entering each when queued and leaving each when
-- sent. The worker's look before a claim was the last reader of
-- outbox_lane; it now asks outbox_urgent and outbox_bulk, which together
-- hold every pending message by op, so a message costs one index fewer
-- each time it is queued and each time it is sent.
DROP INDEX outbox_lane;
