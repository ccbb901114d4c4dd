-- Ratings (回访): the latest resolution's rating, how often a ticket was reopened, and
-- whether a second dissatisfied rating waits for a supervisor (不满意复核).
ALTER TABLE tickets ADD COLUMN satisfaction TEXT
    CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied'));
ALTER TABLE tickets ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0 CHECK (reopen_count >= 0);
ALTER TABLE tickets ADD COLUMN review_pending INTEGER NOT NULL DEFAULT 0 CHECK (review_pending IN (0, 1));
CREATE INDEX tickets_review ON tickets (review_pending, status);
-- The most filed matter types of the last weeks (the filing screen's large buttons).
CREATE INDEX tickets_created ON tickets (created_at);
