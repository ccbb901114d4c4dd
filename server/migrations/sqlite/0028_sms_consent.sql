-- Text messages to the resident when the ticket is done and to ask for a rating
-- (issue 18): the consent given when filing, and when the rating was asked for (once).
ALTER TABLE tickets ADD COLUMN sms_consent INTEGER NOT NULL DEFAULT 0 CHECK (sms_consent IN (0, 1));
ALTER TABLE tickets ADD COLUMN rating_asked_at TEXT;
CREATE INDEX tickets_rating_asked ON tickets (status, resolved_at) WHERE sms_consent = 1 AND rating_asked_at IS NULL;
