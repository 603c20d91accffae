-- Every read of sessions by date also asks for sessions not undone
-- (deleted_at = 0), which sessions_recent holds with the date first; the
-- plain date index was read by none but the week's list (for its order)
-- and cost every logged session one more page in the log. The week's
-- list now sorts each day's few sessions by id itself.
DROP INDEX sessions_occurred;
