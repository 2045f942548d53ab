-- Issue 15. A target's later thread parts and its first comment, each tracked on its own: a crash or a failure resumes
-- from the first step that is not live, and a live step is never published again. Part 0 of a thread is the target row.
CREATE TABLE target_steps (
    post_id                TEXT NOT NULL REFERENCES posts(id),
    platform               TEXT NOT NULL,
    -- 'part' (index 1 … n-1) or 'comment' (index 0)
    kind                   TEXT NOT NULL,
    step_index             INTEGER NOT NULL,
    -- a target status: pending, publishing, published, failed, withdrawn, needs_reconciliation
    status                 TEXT NOT NULL,
    platform_post_id       TEXT NULL,
    public_url             TEXT NULL,
    error_code             TEXT NULL,
    error_message          TEXT NULL,
    platform_error_code    TEXT NULL,
    platform_error_message TEXT NULL,
    platform_http_status   INTEGER NULL,
    attempt_count          INTEGER NOT NULL DEFAULT 0,
    published_at           TEXT NULL,
    updated_at             TEXT NOT NULL,
    PRIMARY KEY (post_id, platform, kind, step_index)
);

-- How late the scheduler may still fire a post; NULL: Scheduling:MaxLateness.
ALTER TABLE posts ADD COLUMN max_lateness_seconds INTEGER NULL;

-- A platform set's weekly posting schedule: slots are local wall times ([{"day":"monday","time":"09:00"}, …]) in time_zone.
CREATE TABLE posting_schedules (
    platform_set_id TEXT PRIMARY KEY REFERENCES platform_sets(id),
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
    time_zone       TEXT NOT NULL,
    slots           TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Processes that run the scheduler on this database, with their last heartbeat: a serving stdio server leaves due posts
-- to a live background service ('service'), and schedule_post says whether one is alive.
CREATE TABLE scheduler_runners (
    owner        TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
