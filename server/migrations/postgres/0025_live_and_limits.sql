-- Live updates: each timeline entry is told to every server process at commit
-- (`LISTEN gridline_changes`), with the units it concerns: its lead and co-handling
-- units as they are after the whole transaction (the trigger is deferred to the
-- commit) and every unit that acted on it or had it before (a ticket sent away from a
-- unit leaves that unit's queue). See `store/live.rs`.
CREATE FUNCTION gridline_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    code TEXT;
    lead TEXT;
BEGIN
    SELECT tracking_code, lead_unit_code INTO code, lead FROM tickets WHERE id = NEW.ticket_id;
    PERFORM pg_notify('gridline_changes', json_build_object(
        'event_id', NEW.id,
        'code', code,
        'units', (SELECT COALESCE(json_agg(DISTINCT u), '[]'::json) FROM (
                      SELECT lead AS u
                      UNION SELECT unit_code FROM ticket_events WHERE ticket_id = NEW.ticket_id
                      UNION SELECT unit_code FROM ticket_co_units WHERE ticket_id = NEW.ticket_id
                  ) units WHERE u IS NOT NULL)
    )::text);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER ticket_events_changed
    AFTER INSERT ON ticket_events
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION gridline_ticket_changed();

-- Limits shared by every process: what each key (an address, an account) did, and
-- when, within a limit's window. Rows past `expires_at` are swept. See `throttle.rs`.
CREATE TABLE rate_entries (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    weight     BIGINT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_entries_key ON rate_entries (scope, key, at);
CREATE INDEX rate_entries_expiry ON rate_entries (expires_at);
