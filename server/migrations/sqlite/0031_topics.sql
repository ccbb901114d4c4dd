-- The monthly topic (每月一题, issue 18): a problem class (matter type, region) for a
-- month, its lead and working units, its measures, and its closing.
CREATE TABLE topics (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    month          TEXT NOT NULL,
    title          TEXT NOT NULL,
    matter_code    TEXT NOT NULL REFERENCES matter_types (code),
    region_code    TEXT REFERENCES regions (code),
    lead_unit_code TEXT NOT NULL REFERENCES handling_units (code),
    opened_at      TEXT NOT NULL,
    opened_by      INTEGER REFERENCES staff (id),
    closed_at      TEXT,
    close_note     TEXT
);
CREATE INDEX topics_month ON topics (month, id);
CREATE TABLE topic_units (
    topic_id  INTEGER NOT NULL REFERENCES topics (id),
    unit_code TEXT NOT NULL REFERENCES handling_units (code),
    PRIMARY KEY (topic_id, unit_code)
);
CREATE TABLE topic_measures (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    topic_id   INTEGER NOT NULL REFERENCES topics (id),
    at         TEXT NOT NULL,
    staff_id   INTEGER REFERENCES staff (id),
    unit_code  TEXT REFERENCES handling_units (code),
    note       TEXT NOT NULL,
    households INTEGER CHECK (households >= 0)
);
CREATE INDEX topic_measures_topic ON topic_measures (topic_id, id);
