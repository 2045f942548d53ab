-- The monthly post quota from a counter row instead of a count of this month's posts (SQLite 0017): one row per workspace
-- and UTC month ('YYYY-MM' of posts.created_at), bumped in the transaction of every post insert. Two instances creating
-- posts for one workspace at once both write its row: under SERIALIZABLE one of them is run again (40001), as two
-- COUNT(*)s followed by inserts already were.
CREATE TABLE workspace_post_months (
    workspace_id   text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    month          text COLLATE "C" NOT NULL,
    posts_created  bigint NOT NULL,
    PRIMARY KEY (workspace_id, month)
);

-- created_at is fixed-width UTC text here too: its first seven characters are the month key.
INSERT INTO workspace_post_months (workspace_id, month, posts_created)
SELECT workspace_id, substr(created_at, 1, 7), COUNT(*) FROM posts GROUP BY workspace_id, substr(created_at, 1, 7);
