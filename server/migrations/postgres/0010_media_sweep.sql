-- Media no ticket or field record names are deleted after a grace period; the period
-- runs from the last upload of the same bytes (a device resending them keeps them).
ALTER TABLE media ADD COLUMN last_uploaded_at TIMESTAMPTZ;
UPDATE media SET last_uploaded_at = created_at;
CREATE INDEX media_last_uploaded ON media (last_uploaded_at);
