-- What must leave the system (a text message to a resident, later webhooks and push):
-- written in the same transaction as the change that causes it, delivered by a worker
-- with retries, in order per ticket. A row names its ticket; the message is made from
-- the ticket when it is sent, so no personal data is copied here.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    ticket_id       INTEGER REFERENCES tickets (id),
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_until   TEXT,
    delivered_at    TEXT,
    dead_at         TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_ticket ON outbox (ticket_id, id);
