-- Whether the email stored for someone is one a roster file gave (1),
-- this import's or an earlier one's kept by empty cells since, or Slack's
-- (0: a profile's, users.list's read by an import, or none). Slack gives
-- an address to one member of a workspace at a time, so when a profile
-- gives someone an address, another person holding it from Slack holds a
-- stale one and loses it; one a roster file gave stands, as the admin's
-- word (sqlite.UpsertPerson).
ALTER TABLE people ADD COLUMN email_by_roster BIGINT NOT NULL DEFAULT 0;
-- Rows from before this migration never said where their address came
-- from. A roster person's may be the file's, and taking it for a stale
-- Slack one would move it, with the performance figures that name it, to
-- someone else: it counts as the file's until Slack gives that person an
-- address (their next profile, or an import's users.list giving the same
-- one) or a roster import gives or clears it. Someone no roster listed
-- has only Slack's.
UPDATE people SET email_by_roster = 1 WHERE in_roster = 1 AND email <> '';
