-- Reference data, staff accounts and sessions.

CREATE TABLE matter_types (
    code        TEXT PRIMARY KEY NOT NULL,
    parent_code TEXT REFERENCES matter_types (code),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    tier_days   INTEGER NOT NULL CHECK (tier_days IN (1, 3, 7, 11)),
    urgent      INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1))
);

CREATE TABLE regions (
    code        TEXT PRIMARY KEY NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    level       TEXT NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid')),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);
