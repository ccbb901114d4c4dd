-- no-transaction
-- Deadline rules (issue 18) give handling times other than 1, 3, 7 or 11 working days
-- (a community 2, a department 4): the tickets' CHECK becomes 1 to 60. SQLite cannot
-- alter a CHECK, so the table is rebuilt the documented way (sqlite.org/lang_altertable,
-- "making other kinds of table schema changes"): foreign keys off outside the
-- transaction, copy, drop, rename, indexes again, commit. Run again
-- after a crash, it starts over from whichever table is there.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE tickets_new (
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
    tier_days           INTEGER NOT NULL CHECK (tier_days BETWEEN 1 AND 60),
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
    overdue_at          TEXT,
    satisfaction        TEXT
        CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    reopen_count        INTEGER NOT NULL DEFAULT 0 CHECK (reopen_count >= 0),
    review_pending      INTEGER NOT NULL DEFAULT 0 CHECK (review_pending IN (0, 1)),
    station_id          INTEGER REFERENCES stations (id),
    consent             TEXT CHECK (consent IN ('spoken', 'written')),
    merged_into         INTEGER REFERENCES tickets (id)
);
INSERT INTO tickets_new (
    id, tracking_code, client_id, channel, matter_code, region_code, lon, lat, address,
    description, contact_name, contact_phone, device_secret_hash, status, return_pending,
    lead_unit_code, tier_days, urgent, created_at, dispatched_at, response_due, warn_at,
    handling_due, deadline_estimated, responded_at, resolved_at, closed_at, warned_at,
    response_overdue_at, overdue_at, satisfaction, reopen_count, review_pending,
    station_id, consent, merged_into)
SELECT
    id, tracking_code, client_id, channel, matter_code, region_code, lon, lat, address,
    description, contact_name, contact_phone, device_secret_hash, status, return_pending,
    lead_unit_code, tier_days, urgent, created_at, dispatched_at, response_due, warn_at,
    handling_due, deadline_estimated, responded_at, resolved_at, closed_at, warned_at,
    response_overdue_at, overdue_at, satisfaction, reopen_count, review_pending,
    station_id, consent, merged_into
FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_new RENAME TO tickets;
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_warn_at ON tickets (warn_at);
CREATE INDEX tickets_handling_due ON tickets (handling_due);
CREATE INDEX tickets_response_due ON tickets (response_due);
CREATE INDEX tickets_review ON tickets (review_pending, status);
CREATE INDEX tickets_station ON tickets (station_id, created_at);
CREATE INDEX tickets_intake ON tickets (created_at, region_code, matter_code);
CREATE INDEX tickets_repeats ON tickets (matter_code, created_at);
CREATE INDEX tickets_merged ON tickets (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX tickets_evaluation ON tickets (
    lead_unit_code, handling_due, region_code, matter_code, response_due, responded_at,
    resolved_at, satisfaction, reopen_count, merged_into
);
COMMIT;
PRAGMA foreign_keys = ON;
