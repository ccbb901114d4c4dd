-- Police linkage (110 联动, issue 17): a forwarding target of kind `police` (the city's
-- 110 system) names neither a unit nor a matter type. It takes the tickets of the
-- matter types the catalogue flags `police` (transferred there, closed here) and every
-- change of the tickets it handed over (the columns for those are in 0038).
ALTER TABLE forward_targets DROP CONSTRAINT forward_targets_kind_check;
ALTER TABLE forward_targets DROP CONSTRAINT forward_targets_check;
ALTER TABLE forward_targets ADD CONSTRAINT forward_targets_kind_check
    CHECK (kind IN ('webhook', 'open311', 'police'));
ALTER TABLE forward_targets ADD CONSTRAINT forward_targets_check CHECK (
    CASE WHEN kind = 'police' THEN unit_code IS NULL AND matter_code IS NULL
         ELSE (unit_code IS NULL) <> (matter_code IS NULL) END);
