-- The scheduler's lease on a due post: which worker claimed it and until when. A lease that has run out is taken over.

ALTER TABLE posts ADD COLUMN lease_owner TEXT NULL;
ALTER TABLE posts ADD COLUMN lease_expires_at TEXT NULL;

-- Due posts are found by status and time, oldest first.
CREATE INDEX ix_posts_status_scheduled ON posts(status, scheduled_for);
