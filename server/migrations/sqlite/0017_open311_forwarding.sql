-- Forwarding to an Open311 GeoReport v2 endpoint (a department's system): the target's
-- kind, its jurisdiction and service code (the api_key is kept as the secret), and for
-- each ticket sent there the external service_request_id (or the token a batch service
-- gives first) and what was last read of it.
ALTER TABLE forward_targets ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook'
    CHECK (kind IN ('webhook', 'open311'));
ALTER TABLE forward_targets ADD COLUMN jurisdiction_id TEXT;
ALTER TABLE forward_targets ADD COLUMN service_code TEXT;
CREATE TABLE forward_links (
    target_id          INTEGER NOT NULL REFERENCES forward_targets (id),
    ticket_id          INTEGER NOT NULL REFERENCES tickets (id),
    service_request_id TEXT,
    token              TEXT,
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    status_notes       TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    PRIMARY KEY (target_id, ticket_id)
);
CREATE INDEX forward_links_open ON forward_links (target_id, status);
