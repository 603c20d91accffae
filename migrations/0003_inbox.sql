-- The inbox: commands accepted before they are acted on. A one-line /coach
-- capture is written here before its ack (Slack never sends an acknowledged
-- command again) and acted on after it, off the ack path, since it may first
-- read people's Slack profiles. It is marked done in the same transaction as
-- the session it logs; rows still pending at start are acted on then.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY,
    cmd_key     TEXT NOT NULL UNIQUE,        -- 'cmd:' + trigger_id: a command redelivered is kept once
    user_id     TEXT NOT NULL,
    payload     TEXT NOT NULL DEFAULT '',    -- the command as the bot read it (no token); emptied once done
    received_at INTEGER NOT NULL,
    done_at     INTEGER NOT NULL DEFAULT 0   -- 0: still to act on
);
CREATE INDEX inbox_pending ON inbox (id) WHERE done_at = 0;
