-- The grids a grid worker patrols (scope of what they see and report).
CREATE TABLE staff_grids (
    staff_id    BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    region_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (staff_id, region_code)
);
