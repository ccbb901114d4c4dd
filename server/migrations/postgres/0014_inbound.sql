-- Progress reported back by dispatch systems: each request's Idempotency-Key per
-- target, so a retried report acts once.
CREATE TABLE inbound_events (
    target_id       BIGINT NOT NULL REFERENCES forward_targets (id),
    idempotency_key TEXT NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (target_id, idempotency_key)
);
