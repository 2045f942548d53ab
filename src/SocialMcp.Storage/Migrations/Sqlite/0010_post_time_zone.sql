-- Issue 14: times in results are also given in the post's own time zone. An IANA id (e.g. Europe/Berlin); NULL when the
-- post has none, and results then give UTC only.
ALTER TABLE posts ADD COLUMN time_zone TEXT NULL;

-- Issue 14: a partial or failed post can be edited for its failed targets. Before the first such edit, the content each
-- other target (live, withdrawn, needs_reconciliation) went out with is frozen here, as JSON keyed by platform, so the
-- edit never rewrites what get_post shows for them. NULL while the post's content is what every target got.
ALTER TABLE posts ADD COLUMN published_content TEXT NULL;
