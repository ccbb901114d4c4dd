-- The deadline rules (issue 18), one row holding the CSV that
-- catalogue::import::deadlines reads (validated on import and again on load). No row:
-- the catalogue's tiers and 4 clock hours.
CREATE TABLE deadline_rules (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    csv TEXT NOT NULL
);
