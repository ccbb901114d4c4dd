-- The 12345 hotline (issue 17): the calls the telephone system put through to an
-- operator's seat (the console pops up with them), the call a ticket was filed from,
-- and a caller's earlier tickets found by their number.
CREATE TABLE calls (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The telephone system's id: a call announced again rings nothing twice.
    call_id     TEXT NOT NULL UNIQUE,
    caller      TEXT NOT NULL,
    operator_id BIGINT NOT NULL REFERENCES staff (id),
    rang_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX calls_operator ON calls (operator_id, rang_at);

ALTER TABLE tickets ADD COLUMN call_id TEXT;
CREATE INDEX tickets_call_id ON tickets (call_id);

-- The contact phone's digits without China's country code, as core's `phone_key`
-- makes them from a caller's number (filing accepts only digits, '+', '-' and spaces).
ALTER TABLE tickets ADD COLUMN phone_key TEXT GENERATED ALWAYS AS (
    CASE WHEN length(replace(replace(replace(contact_phone, ' ', ''), '-', ''), '+', '')) = 13
              AND substr(replace(replace(replace(contact_phone, ' ', ''), '-', ''), '+', ''), 1, 2) = '86'
         THEN substr(replace(replace(replace(contact_phone, ' ', ''), '-', ''), '+', ''), 3)
         ELSE replace(replace(replace(contact_phone, ' ', ''), '-', ''), '+', '')
    END) STORED;
CREATE INDEX tickets_phone_key ON tickets (phone_key, created_at);
