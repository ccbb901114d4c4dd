-- Text messages to the resident when the ticket is done and to ask for a rating
-- (issue 18): the consent given when filing, and when the rating was asked for (once).
ALTER TABLE tickets ADD COLUMN sms_consent BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE tickets ADD COLUMN rating_asked_at TIMESTAMPTZ;
CREATE INDEX tickets_rating_asked ON tickets (status, resolved_at) WHERE sms_consent AND rating_asked_at IS NULL;
