-- Grid workers' patrols and findings, synced from their devices. Every revision is
-- kept (field_revisions); field_records holds the newest revision of each record, so a
-- late, older revision never replaces a newer one.

CREATE TABLE field_revisions (
    device_id   TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    kind        TEXT NOT NULL CHECK (kind IN ('patrol', 'finding')),
    staff_id    BIGINT NOT NULL REFERENCES staff (id),
    grid_code   TEXT NOT NULL REFERENCES regions (code),
    body        TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (device_id, record_id, revision)
);

CREATE TABLE field_revision_media (
    device_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    media_id  TEXT NOT NULL REFERENCES media (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (device_id, record_id, revision, media_id),
    FOREIGN KEY (device_id, record_id, revision)
        REFERENCES field_revisions (device_id, record_id, revision)
);

CREATE TABLE field_records (
    device_id  TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    staff_id   BIGINT NOT NULL REFERENCES staff (id),
    grid_code  TEXT NOT NULL REFERENCES regions (code),
    body       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    -- The ticket a report_upward finding became, or the ticket a verification checked.
    ticket_id  BIGINT REFERENCES tickets (id),
    PRIMARY KEY (device_id, record_id)
);
CREATE INDEX field_records_staff ON field_records (staff_id, kind);
CREATE INDEX field_records_grid ON field_records (grid_code, kind);
