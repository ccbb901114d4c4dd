-- Tickets from before Gridline (往年工单, issue 18): last years' tickets of the city's
-- previous system, imported so advance notices work from the first day. Counted only.
CREATE TABLE past_tickets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id   TEXT NOT NULL UNIQUE,
    received_at TEXT NOT NULL,
    matter_code TEXT NOT NULL REFERENCES matter_types (code),
    region_code TEXT REFERENCES regions (code),
    unit_code   TEXT REFERENCES handling_units (code)
);
CREATE INDEX past_tickets_received ON past_tickets (received_at);
