-- Tickets, their timeline, co-handling units, and the units staff handle for.
-- Times are whole-second UTC in RFC 3339 (see store::stored_time), so comparing the
-- text orders them.

CREATE TABLE staff_units (
    staff_id  INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL REFERENCES handling_units (code),
    PRIMARY KEY (staff_id, unit_code)
);

CREATE TABLE tickets (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_code       TEXT NOT NULL UNIQUE,
    client_id           TEXT UNIQUE,
    channel             TEXT NOT NULL,
    matter_code         TEXT NOT NULL REFERENCES matter_types (code),
    region_code         TEXT REFERENCES regions (code),
    lon                 REAL,
    lat                 REAL,
    address             TEXT NOT NULL,
    description         TEXT NOT NULL,
    contact_name        TEXT,
    contact_phone       TEXT,
    -- SHA-256 (hex) of a secret the filing device keeps: its key to an anonymous ticket.
    device_secret_hash  TEXT,
    status              TEXT NOT NULL,
    return_pending      INTEGER NOT NULL,
    lead_unit_code      TEXT REFERENCES handling_units (code),
    tier_days           INTEGER NOT NULL CHECK (tier_days IN (1, 3, 7, 11)),
    urgent              INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    dispatched_at       TEXT,
    response_due        TEXT,
    warn_at             TEXT,
    handling_due        TEXT,
    deadline_estimated  INTEGER NOT NULL,
    responded_at        TEXT,
    resolved_at         TEXT,
    closed_at           TEXT,
    warned_at           TEXT,
    response_overdue_at TEXT,
    overdue_at          TEXT
);
CREATE INDEX tickets_unit_due ON tickets (lead_unit_code, handling_due);
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_warn_at ON tickets (warn_at);
CREATE INDEX tickets_handling_due ON tickets (handling_due);
CREATE INDEX tickets_response_due ON tickets (response_due);

-- Units that help the lead unit (协办); they report progress, the lead unit resolves.
CREATE TABLE ticket_co_units (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    unit_code TEXT NOT NULL REFERENCES handling_units (code),
    PRIMARY KEY (ticket_id, unit_code)
);
CREATE INDEX ticket_co_units_unit ON ticket_co_units (unit_code);

CREATE TABLE ticket_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    staff_id  INTEGER REFERENCES staff (id),
    unit_code TEXT,
    public    INTEGER NOT NULL,
    note      TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
