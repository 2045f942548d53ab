-- SocialMcp initial schema. Times are ISO 8601 UTC text (sortable); JSON columns hold camelCase JSON.

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE platform_sets (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    is_default    INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);
-- At most one default set per workspace.
CREATE UNIQUE INDEX ux_platform_sets_default ON platform_sets(workspace_id) WHERE is_default = 1;

CREATE TABLE accounts (
    id                   TEXT PRIMARY KEY,
    workspace_id         TEXT NOT NULL REFERENCES workspaces(id),
    platform_set_id      TEXT NOT NULL REFERENCES platform_sets(id),
    platform             TEXT NOT NULL,
    handle               TEXT NOT NULL,
    platform_account_id  TEXT NOT NULL,
    token_reference      TEXT NULL,
    token_expires_at     TEXT NULL,
    is_sandbox           INTEGER NOT NULL DEFAULT 0,
    metadata             TEXT NOT NULL DEFAULT '{}',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    -- One account per platform in a set: a post's target is unambiguous.
    UNIQUE (platform_set_id, platform)
);
CREATE INDEX ix_accounts_workspace ON accounts(workspace_id, platform);

CREATE TABLE posts (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id),
    platform_set_id  TEXT NOT NULL REFERENCES platform_sets(id),
    status           TEXT NOT NULL,
    content          TEXT NOT NULL,
    platforms        TEXT NOT NULL,
    scheduled_for    TEXT NULL,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX ix_posts_workspace_status ON posts(workspace_id, status, created_at);
CREATE INDEX ix_posts_workspace_created ON posts(workspace_id, created_at);

CREATE TABLE post_targets (
    post_id           TEXT NOT NULL REFERENCES posts(id),
    platform          TEXT NOT NULL,
    account_id        TEXT NOT NULL REFERENCES accounts(id),
    status            TEXT NOT NULL,
    platform_post_id  TEXT NULL,
    public_url        TEXT NULL,
    error_code        TEXT NULL,
    error_message     TEXT NULL,
    attempt_count     INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    published_at      TEXT NULL,
    PRIMARY KEY (post_id, platform)
);
CREATE INDEX ix_post_targets_platform ON post_targets(platform, post_id);

CREATE TABLE post_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id       TEXT NOT NULL REFERENCES posts(id),
    platform      TEXT NULL,
    event_type    TEXT NOT NULL,
    from_status   TEXT NULL,
    to_status     TEXT NULL,
    post_version  INTEGER NOT NULL,
    detail        TEXT NULL,
    occurred_at   TEXT NOT NULL
);
CREATE INDEX ix_post_events_post ON post_events(post_id, id);

-- The event log is append-only: history is never rewritten.
CREATE TRIGGER post_events_no_update BEFORE UPDATE ON post_events
BEGIN
    SELECT RAISE(ABORT, 'post_events is append-only');
END;
CREATE TRIGGER post_events_no_delete BEFORE DELETE ON post_events
BEGIN
    SELECT RAISE(ABORT, 'post_events is append-only');
END;
