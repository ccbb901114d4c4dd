-- Progress reported back by dispatch systems: each request's Idempotency-Key per
-- target, so a retried report acts once.
CREATE TABLE inbound_events (
    target_id       INTEGER NOT NULL REFERENCES forward_targets (id),
    idempotency_key TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    PRIMARY KEY (target_id, idempotency_key)
);
