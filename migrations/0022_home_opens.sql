-- When someone last opened their App Home tab (app_home_opened), so that
-- a rep's answer refreshes their manager's Home only while the manager
-- may be looking at it (coaching.HomeWatched): a views.publish for every
-- answer, rendered for managers who never look, took the pace that reps'
-- own Home clicks share. A table of its own, not a column of people:
-- anyone may open the tab, known to the roster or not. Kept in the
-- database because the replica that gets a rep's answer is not always
-- the one that got the manager's app_home_opened.
CREATE TABLE home_opens (
    person_id TEXT PRIMARY KEY,  -- Slack user id
    opened_at INTEGER NOT NULL      -- unix ms, the latest app_home_opened on the Home tab
);
-- A manager's Home refreshed after a rep's answer (home_refresh) joins
-- the kinds that take only the room the others leave in their op's lane
-- (coaching.DeferredKinds): a rep's own Home click is never behind
-- managers' refreshes. The two partial indexes are migration 0011's with
-- the longer list, in the order of coaching.DeferredKinds (urgentTerm and
-- bulkTerm in internal/sqlite/outbox.go state it term for term).
DROP INDEX outbox_urgent;
DROP INDEX outbox_bulk;
CREATE INDEX outbox_urgent ON outbox (op, next_at, id)
	WHERE status = 'pending' AND kind NOT IN ('nudge', 'digest', 'digest_chart', 'rep_reminder', 'capture_reply', 'home_refresh');
CREATE INDEX outbox_bulk ON outbox (op, next_at, id)
	WHERE status = 'pending' AND kind IN ('nudge', 'digest', 'digest_chart', 'rep_reminder', 'capture_reply', 'home_refresh');
