-- After a publish, each failed target keeps the platform's whole answer: its code and message were kept already (0003);
-- now the HTTP status too, and for a rate limit or a used-up quota the time the platform takes calls again.
-- A post whose targets were rate-limited with a known reset is retried once by the scheduler at that time: auto_retry_at
-- says when, and the scheduler claims such posts through the same leases as due scheduled posts (0004, 0007).

ALTER TABLE post_targets ADD COLUMN platform_http_status INTEGER NULL;
ALTER TABLE post_targets ADD COLUMN retry_at TEXT NULL;
ALTER TABLE posts ADD COLUMN auto_retry_at TEXT NULL;

-- Only posts waiting for an automatic retry are in it, so the scheduler's claim and its next-wake query stay cheap.
CREATE INDEX ix_posts_auto_retry ON posts(auto_retry_at, id) WHERE auto_retry_at IS NOT NULL;
