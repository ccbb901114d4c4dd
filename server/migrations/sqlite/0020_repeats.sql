-- Similar reports (重复诉求): the same matter type filed near a place in a period, and
-- duplicates merged into the ticket that leads the problem.
CREATE INDEX tickets_repeats ON tickets (matter_code, created_at);
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets (id);
CREATE INDEX tickets_merged ON tickets (merged_into) WHERE merged_into IS NOT NULL;
