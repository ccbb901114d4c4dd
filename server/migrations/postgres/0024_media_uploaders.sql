-- Who uploaded each medium. A medium's id is the hash of its bytes, so knowing an id is
-- not having sent it: only an uploader attaches it to a complaint, an update or a field
-- record. An uploader is `staff:<id>`, `station:<device id>` or `device:<SHA-256 of
-- the resident device's secret>`.
CREATE TABLE media_uploaders (
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    uploader TEXT NOT NULL,
    PRIMARY KEY (media_id, uploader)
);

-- Media named before this was kept belong to whoever named them: a worker's field
-- records (a later revision of a finding names its photos again), a staff member's
-- steps, a resident's complaint filed with a device secret. Others (uploaded, not yet
-- named) have none: the resident and station apps upload them again when a filing is
-- refused for them.
INSERT INTO media_uploaders (media_id, uploader)
SELECT DISTINCT m.media_id, 'staff:' || r.staff_id
FROM field_revision_media m
JOIN field_revisions r
  ON r.device_id = m.device_id AND r.record_id = m.record_id AND r.revision = m.revision
ON CONFLICT DO NOTHING;
INSERT INTO media_uploaders (media_id, uploader)
SELECT DISTINCT em.media_id, 'staff:' || e.staff_id
FROM event_media em JOIN ticket_events e ON e.id = em.event_id
WHERE e.staff_id IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO media_uploaders (media_id, uploader)
SELECT DISTINCT em.media_id, 'device:' || t.device_secret_hash
FROM event_media em
JOIN ticket_events e ON e.id = em.event_id
JOIN tickets t ON t.id = e.ticket_id
WHERE e.staff_id IS NULL AND t.device_secret_hash IS NOT NULL
ON CONFLICT DO NOTHING;
