-- The monthly post quota from a counter row instead of a count of this month's posts: create_post checks the quota
-- inside its write transaction, and COUNT(*) over the month's posts grew with every post while holding the writer.
-- One row per workspace and UTC month ('YYYY-MM' of posts.created_at), bumped in the transaction of every post insert
-- (posts are never deleted, so the row only grows).
CREATE TABLE workspace_post_months (
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    month          TEXT NOT NULL,
    posts_created  INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, month)
);

-- The posts already stored: created_at is fixed-width UTC text ('yyyy-MM-ddTHH:mm:ss.fffffffZ'), so its first seven
-- characters are the month key. Every month is counted, not only the current one: a database upgraded mid-month keeps
-- the quota it had.
INSERT INTO workspace_post_months (workspace_id, month, posts_created)
SELECT workspace_id, substr(created_at, 1, 7), COUNT(*) FROM posts GROUP BY workspace_id, substr(created_at, 1, 7);
