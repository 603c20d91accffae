-- Several `coachlog serve` processes on one database.

-- Envelopes and events handled, claimed by the replica that handles them:
-- Slack may deliver one envelope (or retry one event) to another replica's
-- socket, and the primary key refuses the second claim. Rows older than a
-- day are pruned; Slack retries for minutes, not days.
CREATE TABLE handled_envelopes (
    claim_key  TEXT PRIMARY KEY,
    handled_at INTEGER NOT NULL -- unix ms
);
CREATE INDEX handled_envelopes_age ON handled_envelopes (handled_at);

-- Roles one replica holds at a time, as a lease: the holder renews it
-- before expires_at; when it stops renewing (it died), another takes it
-- once expires_at has passed. "sender" runs the outbox, so Slack's
-- per-workspace rate is spent by one process.
CREATE TABLE roles (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL, -- unix ms
    taken_at   INTEGER NOT NULL  -- unix ms the current holder took it
);
