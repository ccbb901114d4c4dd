-- Community station tablets: stations, their enrolled devices, the server's own keys
-- (the station sealing key), and which station filed a ticket with what consent.

CREATE TABLE stations (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    community_code TEXT NOT NULL REFERENCES regions (code),
    created_at     TIMESTAMPTZ NOT NULL
);

-- A device row is made when an admin issues an enrollment code (kept as its SHA-256
-- until used or expired) and gets its token's SHA-256 when the tablet enrolls.
CREATE TABLE station_devices (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    station_id      BIGINT NOT NULL REFERENCES stations (id),
    label           TEXT NOT NULL DEFAULT '',
    code_hash       BYTEA UNIQUE,
    code_expires_at TIMESTAMPTZ,
    token_hash      BYTEA UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    enrolled_at     TIMESTAMPTZ,
    last_seen_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX station_devices_station ON station_devices (station_id);

CREATE TABLE server_keys (
    name       TEXT PRIMARY KEY,
    secret     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE tickets ADD COLUMN station_id BIGINT REFERENCES stations (id);
ALTER TABLE tickets ADD COLUMN consent TEXT CHECK (consent IN ('spoken', 'written'));
CREATE INDEX tickets_station ON tickets (station_id, created_at);
