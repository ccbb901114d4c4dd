-- Photos and voice notes. The bytes live in the object store under their SHA-256 (the
-- id); a medium belongs to the timeline entries that name it.

CREATE TABLE media (
    id           TEXT PRIMARY KEY CHECK (length(id) = 64),
    kind         TEXT NOT NULL CHECK (kind IN ('image', 'audio')),
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE event_media (
    event_id INTEGER NOT NULL REFERENCES ticket_events (id),
    media_id TEXT NOT NULL REFERENCES media (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, media_id)
);
CREATE INDEX event_media_media ON event_media (media_id);
