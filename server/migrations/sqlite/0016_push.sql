-- Web Push: a browser's subscription (its push service endpoint and keys), the
-- language it was made in, the staff member it belongs to (for their queues), and the
-- tickets a resident's device filed or follows.
CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint   TEXT NOT NULL UNIQUE,
    p256dh     TEXT NOT NULL,
    auth       TEXT NOT NULL,
    lang       TEXT NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
    staff_id   INTEGER REFERENCES staff (id),
    created_at TEXT NOT NULL
);
CREATE INDEX push_subscriptions_staff ON push_subscriptions (staff_id);
CREATE TABLE push_follows (
    subscription_id INTEGER NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id),
    PRIMARY KEY (subscription_id, ticket_id)
);
CREATE INDEX push_follows_ticket ON push_follows (ticket_id);
