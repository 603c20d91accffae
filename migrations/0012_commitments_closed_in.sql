-- Undoing a session reopens the commitments it ticked as kept
-- (closed_in_session). Without an index that UPDATE read every commitment:
-- 22 ms on the single writer for a year of a 20,000-rep organisation
-- (191,000 commitments), with every ack behind it waiting. Partial: most
-- commitments are never closed by a later session.
CREATE INDEX commitments_closed_in ON commitments (closed_in_session) WHERE closed_in_session IS NOT NULL;
