-- Who took a withdrawn target down: 'rollback' (an all_or_nothing publish undid it because another target failed),
-- 'withdraw_post' (taken down through the platform on request) or 'manual' (a person removed it and resolve_target
-- recorded it). retry_post puts only a rollback's targets up again: a deliberate removal is never re-posted.
-- NULL on rows withdrawn before this column existed; those are treated as deliberate.
ALTER TABLE post_targets ADD COLUMN withdrawn_by TEXT NULL;
