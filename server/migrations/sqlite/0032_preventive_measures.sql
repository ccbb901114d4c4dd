-- Acting before complaints (未诉先办, issue 18): a measure a unit takes ahead of a week
-- in which a matter type rose in a street last year.
CREATE TABLE preventive_measures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    matter_code TEXT NOT NULL REFERENCES matter_types (code),
    street_code TEXT NOT NULL REFERENCES regions (code),
    week_from   TEXT NOT NULL,
    unit_code   TEXT REFERENCES handling_units (code),
    staff_id    INTEGER REFERENCES staff (id),
    at          TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX preventive_measures_week ON preventive_measures (week_from, matter_code, street_code);
