-- Matter keywords and unit kinds, grid shapes, handling units and their responsibilities.

ALTER TABLE matter_types ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
ALTER TABLE matter_types ADD COLUMN unit_kind TEXT
    CHECK (unit_kind IN ('department', 'street_office', 'community', 'enterprise'));

-- JSON: a list of polygons ({"outer": [{"lon","lat"}…], "holes": […]}); grids only.
ALTER TABLE regions ADD COLUMN shape TEXT;

CREATE TABLE handling_units (
    code        TEXT PRIMARY KEY NOT NULL,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('department', 'street_office', 'community', 'enterprise')),
    region_code TEXT NOT NULL REFERENCES regions (code)
);

-- One unit per (matter, region): routing never has to choose between two.
CREATE TABLE unit_responsibilities (
    matter_code TEXT NOT NULL REFERENCES matter_types (code),
    region_code TEXT NOT NULL REFERENCES regions (code),
    unit_code   TEXT NOT NULL REFERENCES handling_units (code) ON DELETE CASCADE,
    PRIMARY KEY (matter_code, region_code)
);
CREATE INDEX unit_responsibilities_unit ON unit_responsibilities (unit_code);

-- Bumped by every reference-data write, so servers know to rebuild their routing
-- tables and grid index (imports may come from another process).
CREATE TABLE reference_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO reference_revision (id, revision) VALUES (1, 0);
