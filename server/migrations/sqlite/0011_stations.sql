-- Community station tablets: stations, their enrolled devices, the server's own keys
-- (the station sealing key), and which station filed a ticket with what consent.

CREATE TABLE stations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    code           TEXT NOT NULL UNIQUE,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    community_code TEXT NOT NULL REFERENCES regions (code),
    created_at     TEXT NOT NULL
);

-- A device row is made when an admin issues an enrollment code (kept as its SHA-256
-- until used or expired) and gets its token's SHA-256 when the tablet enrolls.
CREATE TABLE station_devices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    station_id      INTEGER NOT NULL REFERENCES stations (id),
    label           TEXT NOT NULL DEFAULT '',
    code_hash       BLOB UNIQUE,
    code_expires_at TEXT,
    token_hash      BLOB UNIQUE,
    created_at      TEXT NOT NULL,
    enrolled_at     TEXT,
    last_seen_at    TEXT,
    revoked_at      TEXT
);
CREATE INDEX station_devices_station ON station_devices (station_id);

CREATE TABLE server_keys (
    name       TEXT PRIMARY KEY NOT NULL,
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);

ALTER TABLE tickets ADD COLUMN station_id INTEGER REFERENCES stations (id);
ALTER TABLE tickets ADD COLUMN consent TEXT CHECK (consent IN ('spoken', 'written'));
CREATE INDEX tickets_station ON tickets (station_id, created_at);
