-- The evaluation figures and reports read these columns of every ticket due (or
-- filed) in a period: covering indexes let SQLite answer from the index alone instead
-- of reading each ticket's whole row (issue 8's 1 s budget at 1,000,000 tickets: a
-- year of figures per unit went from 1.4 s to 0.13 s of reading). Each begins with the
-- columns of the index it replaces, which served the same lookups (a unit's queue by
-- deadline; tickets filed since a day).
CREATE INDEX tickets_evaluation ON tickets (
    lead_unit_code, handling_due, region_code, matter_code, response_due, responded_at,
    resolved_at, satisfaction, reopen_count
);
DROP INDEX tickets_unit_due;
CREATE INDEX tickets_intake ON tickets (created_at, region_code, matter_code);
DROP INDEX tickets_created;
