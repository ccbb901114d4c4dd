-- no-transaction
-- Police linkage (110 联动, issue 17): a forwarding target of kind `police` (the city's
-- 110 system) names neither a unit nor a matter type. It takes the tickets of the
-- matter types the catalogue flags `police` (transferred there, closed here) and every
-- change of the tickets it handed over (the columns for those are in 0038).
-- SQLite cannot alter a CHECK, so forward_targets is rebuilt the documented way (as
-- tickets in 0027): foreign keys off outside the transaction, copy, drop, rename. Run
-- again after a crash, it starts over from whichever table is there.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE forward_targets_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL UNIQUE,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    unit_code       TEXT REFERENCES handling_units (code),
    matter_code     TEXT REFERENCES matter_types (code),
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at      TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'webhook'
        CHECK (kind IN ('webhook', 'open311', 'police')),
    jurisdiction_id TEXT,
    service_code    TEXT,
    CHECK (CASE WHEN kind = 'police' THEN unit_code IS NULL AND matter_code IS NULL
                ELSE (unit_code IS NULL) <> (matter_code IS NULL) END)
);
INSERT INTO forward_targets_new (id, name, url, secret, unit_code, matter_code, disabled,
    created_at, kind, jurisdiction_id, service_code)
SELECT id, name, url, secret, unit_code, matter_code, disabled, created_at, kind,
    jurisdiction_id, service_code
FROM forward_targets;
DROP TABLE forward_targets;
ALTER TABLE forward_targets_new RENAME TO forward_targets;
COMMIT;
PRAGMA foreign_keys = ON;
