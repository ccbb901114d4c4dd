-- The evaluation figures count return requests per ticket (issue 8).
CREATE INDEX ticket_events_kind ON ticket_events (kind, ticket_id);
