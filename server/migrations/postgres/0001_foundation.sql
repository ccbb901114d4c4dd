-- Reference data, staff accounts and sessions.

CREATE TABLE matter_types (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES matter_types (code),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    tier_days   INTEGER NOT NULL CHECK (tier_days IN (1, 3, 7, 11)),
    urgent      BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES regions (code),
    level       TEXT NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid')),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE staff (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);
