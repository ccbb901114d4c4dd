-- Keys of the systems that file service requests through the Open311 GeoReport v2
-- server at /open311/v2/ (kept as SHA-256; the key is shown once when made).
CREATE TABLE open311_keys (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    key_hash   BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
