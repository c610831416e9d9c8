-- The scheduler looks every second, on every instance, for published giveaways whose start or
-- end has passed and is not announced yet. Announced giveaways (almost all of them, over time)
-- drop out of these indexes, so the look-up stays small however many giveaways there are.
CREATE INDEX giveaways_live_unannounced ON giveaways (start_at)
    WHERE live_announced_at IS NULL AND is_draft = 0 AND deleted_at IS NULL;
CREATE INDEX giveaways_end_unannounced ON giveaways (end_at)
    WHERE end_announced_at IS NULL AND is_draft = 0 AND deleted_at IS NULL;
