-- Issue 16 (verified publication and alarms): what the read-back verifier and the account alarms need beyond 0014.

-- When the next read-back of a published target is due after one that could not tell (Unknown); NULL: the first one is
-- due at published_at + Publishing:VerifyAfter, or none is planned any more.
ALTER TABLE post_targets ADD COLUMN verify_next_at TEXT NULL;
-- A verifier's claim on the target, so two processes never read the same post back at once.
ALTER TABLE post_targets ADD COLUMN verify_lease_owner TEXT NULL;
ALTER TABLE post_targets ADD COLUMN verify_lease_until TEXT NULL;
CREATE INDEX ix_post_targets_verify ON post_targets (status, verified_at, not_visible_at);

-- The token_version for which account.expiring was raised: a renewal or a reconnect bumps token_version, so the next
-- expiry of the new tokens is announced again (once).
ALTER TABLE accounts ADD COLUMN expiring_notified_version INTEGER NULL;
