-- Police linkage (issue 17): the matter types transferred to the police (110) system,
-- and the police system a ticket is linked with (handed over by it, or transferred to
-- it): that target is told of every change of the ticket.
ALTER TABLE matter_types ADD COLUMN police INTEGER NOT NULL DEFAULT 0 CHECK (police IN (0, 1));
ALTER TABLE tickets ADD COLUMN police_target_id INTEGER REFERENCES forward_targets (id);
