-- Deadline rules (issue 18) give handling times other than 1, 3, 7 or 11 working days
-- (a community 2, a department 4): the tickets' CHECK becomes 1 to 60.
ALTER TABLE tickets DROP CONSTRAINT tickets_tier_days_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_tier_days_check CHECK (tier_days BETWEEN 1 AND 60);
