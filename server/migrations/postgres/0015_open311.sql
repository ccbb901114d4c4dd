-- Keys of the systems that file service requests through the Open311 GeoReport v2
-- server at /open311/v2/ (kept as SHA-256; the key is shown once when made).
CREATE TABLE open311_keys (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    key_hash   BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
