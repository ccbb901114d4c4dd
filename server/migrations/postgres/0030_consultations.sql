-- Consultations (会商, issue 18): the units invited on a disputed ticket, their views,
-- and the decision. One open consultation per ticket at a time.
CREATE TABLE consultations (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id     BIGINT NOT NULL REFERENCES tickets (id),
    opened_at     TIMESTAMPTZ NOT NULL,
    opened_by     BIGINT REFERENCES staff (id),
    note          TEXT NOT NULL,
    decided_at    TIMESTAMPTZ,
    decided_by    BIGINT REFERENCES staff (id),
    decided_unit  TEXT REFERENCES handling_units (code),
    decision_note TEXT
);
CREATE UNIQUE INDEX consultations_open ON consultations (ticket_id) WHERE decided_at IS NULL;
CREATE INDEX consultations_ticket ON consultations (ticket_id, id);
CREATE TABLE consultation_units (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    unit_code       TEXT NOT NULL REFERENCES handling_units (code),
    view            TEXT,
    stated_at       TIMESTAMPTZ,
    PRIMARY KEY (consultation_id, unit_code)
);
