-- Coachlog's first schema: people, sessions and what hangs off them, the
-- audit trail, idempotency keys and the outbox of Slack messages to deliver.
-- Timestamps are unix milliseconds (UTC); calendar dates are 'YYYY-MM-DD'
-- text in the zone the product defines for them (the manager's, for
-- occurred_on), so they sort and compare as text.

CREATE TABLE people (
    id           TEXT PRIMARY KEY,              -- Slack user id
    email        TEXT NOT NULL DEFAULT '',      -- lower-cased
    name         TEXT NOT NULL DEFAULT '',
    tz           TEXT NOT NULL DEFAULT '',      -- roster time zone; wins over slack_tz
    slack_tz     TEXT NOT NULL DEFAULT '',      -- Slack profile time zone
    roles        TEXT NOT NULL DEFAULT '',      -- '+'-joined: rep, manager, leader, admin
    manager_id   TEXT REFERENCES people(id) DEFERRABLE INITIALLY DEFERRED,
    tier         TEXT NOT NULL DEFAULT '' CHECK (tier IN ('', 'top', 'middle', 'bottom')),
    cadence_days INTEGER NOT NULL DEFAULT 0,    -- 0: COACHLOG_CADENCE_DAYS
    since        TEXT NOT NULL DEFAULT '',      -- joined this reporting line
    active       INTEGER NOT NULL DEFAULT 1,    -- 0: left the roster; history kept
    in_roster    INTEGER NOT NULL DEFAULT 0,    -- 1: came from a roster import
    is_bot       INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,    -- deactivated in Slack
    resolved_at  INTEGER NOT NULL DEFAULT 0,    -- last read from Slack; 0: never (a placeholder)
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_email ON people (email) WHERE email <> '';

-- Tier and reporting line as of a date, so that a roster change applies from
-- the import date and earlier coaching keeps the tier it had.
CREATE TABLE reporting_history (
    person_id  TEXT NOT NULL REFERENCES people(id),
    valid_from TEXT NOT NULL,
    manager_id TEXT,
    tier       TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (person_id, valid_from)
) WITHOUT ROWID;

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    manager_id   TEXT NOT NULL REFERENCES people(id),
    kind         TEXT NOT NULL CHECK (kind IN ('ride_along', 'one_on_one', 'deal_review', 'skill_practice', 'career', 'team_meeting')),
    occurred_on  TEXT NOT NULL,
    duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 480),
    role         TEXT NOT NULL DEFAULT '' CHECK (role IN ('', 'lead', 'participant', 'observer')),
    skills       TEXT NOT NULL DEFAULT '',      -- comma-joined skill ids
    notes        TEXT NOT NULL DEFAULT '',
    visibility   TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'shared')),
    source       TEXT NOT NULL,
    follow_up_on TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    deleted_at   INTEGER NOT NULL DEFAULT 0     -- undone; kept for the audit trail
);
CREATE INDEX sessions_manager ON sessions (manager_id, occurred_on);
CREATE INDEX sessions_occurred ON sessions (occurred_on);

CREATE TABLE session_reps (
    session_id     INTEGER NOT NULL REFERENCES sessions(id),
    rep_id         TEXT NOT NULL REFERENCES people(id),
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'disputed')),
    rating         INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    comment        TEXT NOT NULL DEFAULT '',
    dispute_reason TEXT NOT NULL DEFAULT '',
    change_note    TEXT NOT NULL DEFAULT '',
    removed        INTEGER NOT NULL DEFAULT 0,
    status_at      INTEGER NOT NULL DEFAULT 0,
    reminded_at    INTEGER NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL DEFAULT 0,    -- order the reps were named in
    PRIMARY KEY (session_id, rep_id)
) WITHOUT ROWID;
CREATE INDEX session_reps_rep ON session_reps (rep_id, session_id);

CREATE TABLE commitments (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES sessions(id),
    rep_id            TEXT NOT NULL REFERENCES people(id),
    text              TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'not_kept')),
    follow_up_on      TEXT NOT NULL DEFAULT '',
    closed_at         INTEGER NOT NULL DEFAULT 0,
    closed_in_session INTEGER REFERENCES sessions(id)
);
CREATE INDEX commitments_rep ON commitments (rep_id, status, id);
CREATE INDEX commitments_session ON commitments (session_id);

-- One row per write that must happen once: a modal view, a slash command's
-- trigger. Slack may deliver an envelope twice and people double-click.
CREATE TABLE submissions (
    key        TEXT PRIMARY KEY,
    session_id INTEGER,
    at         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    session_id INTEGER,
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_session ON audit (session_id);

-- Slack messages to deliver, written in the same transaction as the change
-- that caused them and rendered from the state current at delivery.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    op         TEXT NOT NULL,
    msg_key    TEXT NOT NULL DEFAULT '',
    recipient  TEXT NOT NULL DEFAULT '',
    args       TEXT NOT NULL DEFAULT '{}',
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'superseded')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    done_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (next_at, id) WHERE status = 'pending';
CREATE INDEX outbox_key ON outbox (msg_key, id) WHERE msg_key <> '';

-- Where each posted message lives, so later updates can find it.
CREATE TABLE slack_messages (
    msg_key   TEXT PRIMARY KEY,
    channel   TEXT NOT NULL,
    ts        TEXT NOT NULL,
    posted_at INTEGER NOT NULL
) WITHOUT ROWID;
