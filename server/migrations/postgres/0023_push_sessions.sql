-- A staff member's push subscription lasts as long as the session that made it:
-- signing out, the session's expiry or its purge ends the queue notifications.
ALTER TABLE push_subscriptions ADD COLUMN session_hash BYTEA;
CREATE INDEX push_subscriptions_session ON push_subscriptions (session_hash);
