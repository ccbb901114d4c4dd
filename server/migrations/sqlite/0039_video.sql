-- no-transaction
-- Short video clips (issue 19): a medium may be a video (MP4 or WebM, at most 30 s).
-- SQLite cannot alter a CHECK, so media is rebuilt the documented way (as tickets in
-- 0027): foreign keys off outside the transaction, copy, drop, rename, index again.
-- Run again after a crash, it starts over from whichever table is there.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE media_new (
    id               TEXT PRIMARY KEY CHECK (length(id) = 64),
    kind             TEXT NOT NULL CHECK (kind IN ('image', 'audio', 'video')),
    content_type     TEXT NOT NULL,
    size_bytes       INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    last_uploaded_at TEXT
);
INSERT INTO media_new (id, kind, content_type, size_bytes, created_at, last_uploaded_at)
SELECT id, kind, content_type, size_bytes, created_at, last_uploaded_at FROM media;
DROP TABLE media;
ALTER TABLE media_new RENAME TO media;
CREATE INDEX media_last_uploaded ON media (last_uploaded_at);
COMMIT;
PRAGMA foreign_keys = ON;
