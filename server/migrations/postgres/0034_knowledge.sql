-- The knowledge base (解答知识库, issue 17): standard answers shared by the platform and
-- the units, and the enquiries answered from it (counted, never a unit's ticket).
CREATE TABLE knowledge_entries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL,
    -- The matter types' codes, '|'-separated ('' for none).
    matter_codes    TEXT NOT NULL DEFAULT '',
    valid_from      TEXT,
    valid_to        TEXT,
    owner_unit_code TEXT REFERENCES handling_units (code),
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE enquiries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    text        TEXT NOT NULL,
    entry_id    BIGINT REFERENCES knowledge_entries (id) ON DELETE SET NULL,
    matter_code TEXT REFERENCES matter_types (code),
    -- The telephone system's id of the call: one enquiry per call, however often sent.
    call_id     TEXT UNIQUE,
    staff_id    BIGINT REFERENCES staff (id)
);
CREATE INDEX enquiries_at ON enquiries (at);

-- What the previous system's tickets said: the matter-type suggestion learns from it.
ALTER TABLE past_tickets ADD COLUMN description TEXT;
