-- Tickets, their timeline, co-handling units, and the units staff handle for.
-- Times are timestamptz, whole seconds (as SQLite stores them).

CREATE TABLE staff_units (
    staff_id  BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL REFERENCES handling_units (code),
    PRIMARY KEY (staff_id, unit_code)
);

CREATE TABLE tickets (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tracking_code       TEXT NOT NULL UNIQUE,
    client_id           TEXT UNIQUE,
    channel             TEXT NOT NULL,
    matter_code         TEXT NOT NULL REFERENCES matter_types (code),
    region_code         TEXT REFERENCES regions (code),
    lon                 DOUBLE PRECISION,
    lat                 DOUBLE PRECISION,
    address             TEXT NOT NULL,
    description         TEXT NOT NULL,
    contact_name        TEXT,
    contact_phone       TEXT,
    -- SHA-256 (hex) of a secret the filing device keeps: its key to an anonymous ticket.
    device_secret_hash  TEXT,
    status              TEXT NOT NULL,
    return_pending      BOOLEAN NOT NULL,
    lead_unit_code      TEXT REFERENCES handling_units (code),
    tier_days           INTEGER NOT NULL CHECK (tier_days IN (1, 3, 7, 11)),
    urgent              BOOLEAN NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    dispatched_at       TIMESTAMPTZ,
    response_due        TIMESTAMPTZ,
    warn_at             TIMESTAMPTZ,
    handling_due        TIMESTAMPTZ,
    deadline_estimated  BOOLEAN NOT NULL,
    responded_at        TIMESTAMPTZ,
    resolved_at         TIMESTAMPTZ,
    closed_at           TIMESTAMPTZ,
    warned_at           TIMESTAMPTZ,
    response_overdue_at TIMESTAMPTZ,
    overdue_at          TIMESTAMPTZ
);
CREATE INDEX tickets_unit_due ON tickets (lead_unit_code, handling_due);
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_warn_at ON tickets (warn_at);
CREATE INDEX tickets_handling_due ON tickets (handling_due);
CREATE INDEX tickets_response_due ON tickets (response_due);

-- Units that help the lead unit (协办); they report progress, the lead unit resolves.
CREATE TABLE ticket_co_units (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    unit_code TEXT NOT NULL REFERENCES handling_units (code),
    PRIMARY KEY (ticket_id, unit_code)
);
CREATE INDEX ticket_co_units_unit ON ticket_co_units (unit_code);

CREATE TABLE ticket_events (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    at        TIMESTAMPTZ NOT NULL,
    kind      TEXT NOT NULL,
    staff_id  BIGINT REFERENCES staff (id),
    unit_code TEXT,
    public    BOOLEAN NOT NULL,
    note      TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
