-- Supervision checkpoints (督办节点, issue 18): a matter type's complexity (how many
-- checkpoints its tickets get, 1 to 4), and each ticket's: its complexity, how many
-- checkpoints have passed, when the next is, and since when a checkpoint found it
-- without progress (cleared when its unit acts).
ALTER TABLE matter_types ADD COLUMN complexity INTEGER NOT NULL DEFAULT 1 CHECK (complexity BETWEEN 1 AND 4);
ALTER TABLE tickets ADD COLUMN complexity INTEGER NOT NULL DEFAULT 1 CHECK (complexity BETWEEN 1 AND 4);
ALTER TABLE tickets ADD COLUMN checks_done INTEGER NOT NULL DEFAULT 0 CHECK (checks_done BETWEEN 0 AND 4);
ALTER TABLE tickets ADD COLUMN next_check_at TEXT;
ALTER TABLE tickets ADD COLUMN stalled_at TEXT;
CREATE INDEX tickets_next_check ON tickets (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX tickets_stalled ON tickets (stalled_at) WHERE stalled_at IS NOT NULL;
