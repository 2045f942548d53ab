-- The publish ledger. Every attempt at a target gets an attempt id, written with the move to 'publishing' before any
-- platform call; the outcome is written with the status change. A post being published holds a lease (owner, expiry)
-- that its publisher renews; a 'publishing' post whose lease ran out, or whose owner process is gone, is reconciled.
-- Each post also carries its publish policy and how late it may go out while waiting on a platform's limits.

ALTER TABLE post_targets ADD COLUMN attempt_id TEXT NULL;
ALTER TABLE posts ADD COLUMN publish_policy TEXT NOT NULL DEFAULT 'partial';
ALTER TABLE posts ADD COLUMN tolerance_seconds INTEGER NULL;

-- Rate and cap waits count an account's recent live targets.
CREATE INDEX ix_post_targets_account_published ON post_targets(account_id, published_at);
