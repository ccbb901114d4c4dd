-- Who uploaded each medium. A medium's id is the hash of its bytes, so knowing an id is
-- not having sent it: only an uploader attaches it to a complaint, an update or a field
-- record. An uploader is `staff:<id>`, `station:<device id>` or `device:<SHA-256 of
-- the resident device's secret>`. Media uploaded before this was kept have none: the
-- apps upload them again when a filing is refused for them.
CREATE TABLE media_uploaders (
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    uploader TEXT NOT NULL,
    PRIMARY KEY (media_id, uploader)
);
