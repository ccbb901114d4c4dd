-- The grid workers' list (巡查事项): the matter types a patrol logs findings of.
ALTER TABLE matter_types ADD COLUMN patrol INTEGER NOT NULL DEFAULT 0 CHECK (patrol IN (0, 1));
