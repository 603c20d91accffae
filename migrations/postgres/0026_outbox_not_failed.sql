-- Older builds (schema 20 and before) failed for good messages that were
-- no failures, and /healthz's failed line and the failed gauges counted
-- them for the 24 h after an upgrade (an orchestrator using /healthz as a
-- healthcheck replaced the tasks all day). They are stored here as this
-- build stores them; every other failure stands. The old worker's one
-- reason for a message whose post was not there, "the message to update
-- was never posted (STATUS)", names them.
--
-- An update of a post that failed for good: this build drops it as
-- superseded (outbox.Worker.dropUpdate), the post's failure being the one
-- counted; failed, a rep's reminder Slack refused counted again with each
-- answer, edit or withdrawal that followed.
UPDATE outbox SET status = 'superseded', last_error = ''
	WHERE status = 'failed' AND op = 'update' AND last_error = 'the message to update was never posted (failed)';
-- A reply (a rep's reminder) under a post `coachlog demo` had marked
-- superseded (schema 19 and before): its seeded history's DMs, nothing to
-- deliver. This build's demo marks them sent with no message, as a post
-- the bot withheld, and a reply under such a post is dropped as sent; so
-- are these, and those posts. Nothing else ever superseded a post (the
-- outbox supersedes updates, publishes and replacing responses only). A
-- reply under a post that failed for good stays failed, as this build
-- fails it.
UPDATE outbox SET status = 'sent', last_error = ''
	WHERE status = 'failed' AND op = 'post' AND last_error = 'the message to update was never posted (superseded)';
UPDATE outbox SET status = 'sent' WHERE status = 'superseded' AND op = 'post';
