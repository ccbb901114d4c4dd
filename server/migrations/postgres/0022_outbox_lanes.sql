-- Outbox items are ordered only within their lane of a ticket: one forwarding target,
-- the SMS gateway, or one push subscription. One receiver that fails holds back its
-- own later items and nothing else. Items written before keep one lane per kind and
-- target.
ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT '';
UPDATE outbox SET lane = kind || ':' || COALESCE(CAST(target_id AS TEXT), '');
CREATE INDEX outbox_lane ON outbox (ticket_id, lane, id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
