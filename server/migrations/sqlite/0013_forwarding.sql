-- Dispatch systems a ticket is forwarded to (a department's work-order system, a 12345
-- platform): by the unit it is dispatched to, or by its matter type. Each change of a
-- forwarded ticket goes out through the outbox as a signed webhook.
CREATE TABLE forward_targets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    unit_code   TEXT REFERENCES handling_units (code),
    matter_code TEXT REFERENCES matter_types (code),
    disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at  TEXT NOT NULL,
    CHECK ((unit_code IS NULL) <> (matter_code IS NULL))
);
ALTER TABLE outbox ADD COLUMN target_id INTEGER REFERENCES forward_targets (id);
