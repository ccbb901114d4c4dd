-- Consultations (会商, issue 18): the units invited on a disputed ticket, their views,
-- and the decision. One open consultation per ticket at a time.
CREATE TABLE consultations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    opened_at     TEXT NOT NULL,
    opened_by     INTEGER REFERENCES staff (id),
    note          TEXT NOT NULL,
    decided_at    TEXT,
    decided_by    INTEGER REFERENCES staff (id),
    decided_unit  TEXT REFERENCES handling_units (code),
    decision_note TEXT
);
CREATE UNIQUE INDEX consultations_open ON consultations (ticket_id) WHERE decided_at IS NULL;
CREATE INDEX consultations_ticket ON consultations (ticket_id, id);
CREATE TABLE consultation_units (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    unit_code       TEXT NOT NULL REFERENCES handling_units (code),
    view            TEXT,
    stated_at       TEXT,
    PRIMARY KEY (consultation_id, unit_code)
);
