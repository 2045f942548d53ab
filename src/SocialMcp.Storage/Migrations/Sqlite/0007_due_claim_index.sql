-- The scheduler's claim reads the oldest due post: with id in the index, ORDER BY scheduled_for, id is served by the index
-- instead of a sort of every due post on each claim (measured in bench/fanout: 3.9 → 2.0 ms per claim at 3,000 due).

DROP INDEX ix_posts_status_scheduled;
CREATE INDEX ix_posts_status_scheduled ON posts(status, scheduled_for, id);
