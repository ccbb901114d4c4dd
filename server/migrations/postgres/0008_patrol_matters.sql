-- The grid workers' list (巡查事项): the matter types a patrol logs findings of.
ALTER TABLE matter_types ADD COLUMN patrol BOOLEAN NOT NULL DEFAULT FALSE;
