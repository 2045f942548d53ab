-- The PostgreSQL schema, equal to the SQLite schema after its migration 0016 (docs/postgres.md). Both engines store the
-- same values: times as fixed-width UTC text (yyyy-MM-ddTHH:mm:ss.fffffffZ), JSON as text, flags as booleans. Text
-- columns use the "C" collation, so comparisons and ORDER BY are byte order, as in SQLite, whatever the database's locale.
-- One addition: where the SQLite statements order rows by insertion (rowid), the table has a seq identity column that
-- the PostgreSQL statements order by instead (media_assets, webhook_events, webhook_deliveries).

CREATE TABLE workspaces (
    id          text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    created_at  text COLLATE "C" NOT NULL
);

CREATE TABLE platform_sets (
    id            text COLLATE "C" PRIMARY KEY,
    workspace_id  text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    name          text COLLATE "C" NOT NULL,
    is_default    boolean NOT NULL DEFAULT FALSE,
    created_at    text COLLATE "C" NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE UNIQUE INDEX ux_platform_sets_default ON platform_sets(workspace_id) WHERE is_default;

CREATE TABLE accounts (
    id                   text COLLATE "C" PRIMARY KEY,
    workspace_id         text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    platform_set_id      text COLLATE "C" NOT NULL REFERENCES platform_sets(id),
    platform             text COLLATE "C" NOT NULL,
    handle               text COLLATE "C" NOT NULL,
    platform_account_id  text COLLATE "C" NOT NULL,
    token_reference      text COLLATE "C" NULL,
    token_expires_at     text COLLATE "C" NULL,
    is_sandbox           boolean NOT NULL DEFAULT FALSE,
    metadata             text COLLATE "C" NOT NULL DEFAULT '{}',
    created_at           text COLLATE "C" NOT NULL,
    updated_at           text COLLATE "C" NOT NULL,
    refresh_model text COLLATE "C" NULL,
    refresh_token_reference text COLLATE "C" NULL,
    refresh_expires_at text COLLATE "C" NULL,
    token_scopes text COLLATE "C" NOT NULL DEFAULT '[]',
    token_version bigint NOT NULL DEFAULT 0,
    refresh_failures bigint NOT NULL DEFAULT 0,
    last_refresh_error text COLLATE "C" NULL,
    last_refresh_attempt_at text COLLATE "C" NULL,
    last_refreshed_at text COLLATE "C" NULL,
    refresh_lease_owner text COLLATE "C" NULL,
    refresh_lease_until text COLLATE "C" NULL,
    reconnect_required boolean NOT NULL DEFAULT FALSE,
    expiring_notified_version bigint NULL,
    -- One account per platform in a set: a post's target is unambiguous.
    UNIQUE (platform_set_id, platform)
);

CREATE INDEX ix_accounts_workspace ON accounts(workspace_id, platform);

CREATE TABLE posts (
    id               text COLLATE "C" PRIMARY KEY,
    workspace_id     text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    platform_set_id  text COLLATE "C" NOT NULL REFERENCES platform_sets(id),
    status           text COLLATE "C" NOT NULL,
    content          text COLLATE "C" NOT NULL,
    platforms        text COLLATE "C" NOT NULL,
    scheduled_for    text COLLATE "C" NULL,
    version          bigint NOT NULL,
    created_at       text COLLATE "C" NOT NULL,
    updated_at       text COLLATE "C" NOT NULL,
    lease_owner text COLLATE "C" NULL,
    lease_expires_at text COLLATE "C" NULL,
    publish_policy text COLLATE "C" NOT NULL DEFAULT 'partial',
    tolerance_seconds bigint NULL,
    auto_retry_at text COLLATE "C" NULL,
    time_zone text COLLATE "C" NULL,
    published_content text COLLATE "C" NULL,
    max_lateness_seconds bigint NULL,
    overdue_at text COLLATE "C" NULL,
    approval text COLLATE "C" NULL
);

CREATE INDEX ix_posts_workspace_status ON posts(workspace_id, status, created_at);

CREATE INDEX ix_posts_workspace_created ON posts(workspace_id, created_at);

CREATE TABLE post_targets (
    post_id           text COLLATE "C" NOT NULL REFERENCES posts(id),
    platform          text COLLATE "C" NOT NULL,
    account_id        text COLLATE "C" NOT NULL REFERENCES accounts(id),
    status            text COLLATE "C" NOT NULL,
    platform_post_id  text COLLATE "C" NULL,
    public_url        text COLLATE "C" NULL,
    error_code        text COLLATE "C" NULL,
    error_message     text COLLATE "C" NULL,
    attempt_count     bigint NOT NULL DEFAULT 0,
    created_at        text COLLATE "C" NOT NULL,
    updated_at        text COLLATE "C" NOT NULL,
    published_at      text COLLATE "C" NULL,
    platform_error_code text COLLATE "C" NULL,
    platform_error_message text COLLATE "C" NULL,
    attempt_id text COLLATE "C" NULL,
    platform_http_status bigint NULL,
    retry_at text COLLATE "C" NULL,
    withdrawn_by text COLLATE "C" NULL,
    verified_at text COLLATE "C" NULL,
    not_visible_at text COLLATE "C" NULL,
    not_visible_reason text COLLATE "C" NULL,
    verify_attempts bigint NOT NULL DEFAULT 0,
    verify_next_at text COLLATE "C" NULL,
    verify_lease_owner text COLLATE "C" NULL,
    verify_lease_until text COLLATE "C" NULL,
    PRIMARY KEY (post_id, platform)
);

CREATE INDEX ix_post_targets_platform ON post_targets(platform, post_id);

CREATE TABLE post_events (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    post_id       text COLLATE "C" NOT NULL REFERENCES posts(id),
    platform      text COLLATE "C" NULL,
    event_type    text COLLATE "C" NOT NULL,
    from_status   text COLLATE "C" NULL,
    to_status     text COLLATE "C" NULL,
    post_version  bigint NOT NULL,
    detail        text COLLATE "C" NULL,
    occurred_at   text COLLATE "C" NOT NULL
);

CREATE INDEX ix_post_events_post ON post_events(post_id, id);

CREATE TABLE api_keys (
    id            text COLLATE "C" PRIMARY KEY,
    workspace_id  text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    name          text COLLATE "C" NOT NULL,
    scopes        text COLLATE "C" NOT NULL,
    secret_hash   text COLLATE "C" NOT NULL,
    created_at    text COLLATE "C" NOT NULL,
    revoked_at    text COLLATE "C" NULL
);

CREATE INDEX ix_api_keys_workspace ON api_keys(workspace_id);

CREATE TABLE audit_log (
    id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    workspace_id    text COLLATE "C" NOT NULL,
    key_id          text COLLATE "C" NULL,
    client_name     text COLLATE "C" NULL,
    client_version  text COLLATE "C" NULL,
    session_id      text COLLATE "C" NULL,
    tool            text COLLATE "C" NOT NULL,
    outcome         text COLLATE "C" NOT NULL,
    duration_ms     double precision NOT NULL,
    occurred_at     text COLLATE "C" NOT NULL
);

CREATE INDEX ix_audit_log_workspace ON audit_log(workspace_id, id);

CREATE UNIQUE INDEX ux_workspaces_name ON workspaces(name);

CREATE TABLE publish_handles (
    post_id     text COLLATE "C" NOT NULL REFERENCES posts(id),
    platform    text COLLATE "C" NOT NULL,
    kind        text COLLATE "C" NOT NULL,
    value       text COLLATE "C" NOT NULL,
    updated_at  text COLLATE "C" NOT NULL,
    PRIMARY KEY (post_id, platform, kind)
);

CREATE TABLE idempotency_keys (
    workspace_id  text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    tool          text COLLATE "C" NOT NULL,
    key           text COLLATE "C" NOT NULL,
    request_hash  text COLLATE "C" NOT NULL,
    post_id       text COLLATE "C" NOT NULL REFERENCES posts(id),
    created_at    text COLLATE "C" NOT NULL,
    PRIMARY KEY (workspace_id, tool, key)
);

CREATE INDEX ix_post_targets_account_published ON post_targets(account_id, published_at);

CREATE INDEX ix_posts_status_scheduled ON posts(status, scheduled_for, id);

CREATE INDEX ix_accounts_identity ON accounts(workspace_id, platform, platform_account_id);

CREATE TABLE account_connects (
    id                       text COLLATE "C" PRIMARY KEY,
    state_hash               text COLLATE "C" NOT NULL UNIQUE,
    workspace_id             text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    platform                 text COLLATE "C" NOT NULL,
    platform_set_id          text COLLATE "C" NULL,
    platform_set_name        text COLLATE "C" NULL,
    channel                  text COLLATE "C" NOT NULL,
    redirect_uri             text COLLATE "C" NOT NULL,
    verifier_reference       text COLLATE "C" NOT NULL,
    -- pending, exchanging, choice_required, connected, failed, expired
    status                   text COLLATE "C" NOT NULL,
    expires_at               text COLLATE "C" NOT NULL,
    created_at               text COLLATE "C" NOT NULL,
    completed_at             text COLLATE "C" NULL,
    account_id               text COLLATE "C" NULL,
    renewed                  boolean NOT NULL DEFAULT FALSE,
    problem_code             text COLLATE "C" NULL,
    problem_message          text COLLATE "C" NULL,
    problem_hint             text COLLATE "C" NULL,
    -- JSON array of {platformAccountId, handle, displayName}: ids and handles only.
    choices                  text COLLATE "C" NOT NULL DEFAULT '[]',
    pending_grant_reference  text COLLATE "C" NULL
);

CREATE INDEX ix_account_connects_workspace ON account_connects(workspace_id, created_at);

CREATE INDEX ix_posts_auto_retry ON posts(auto_retry_at, id) WHERE auto_retry_at IS NOT NULL;

CREATE TABLE media_assets (
    id                text COLLATE "C" PRIMARY KEY,
    workspace_id      text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    sha256            text COLLATE "C" NOT NULL,
    size_bytes        bigint NOT NULL,
    mime_type         text COLLATE "C" NOT NULL,
    -- image or video
    kind              text COLLATE "C" NOT NULL,
    width             bigint NULL,
    height            bigint NULL,
    duration_seconds  double precision NULL,
    video_codec       text COLLATE "C" NULL,
    frame_rate        double precision NULL,
    file_name         text COLLATE "C" NULL,
    -- upload (inline or multipart) or url (fetched from source_host)
    source            text COLLATE "C" NOT NULL,
    source_host       text COLLATE "C" NULL,
    created_at        text COLLATE "C" NOT NULL,
    -- insertion order, which breaks ties between assets created in the same instant (SQLite's rowid)
    seq               bigint GENERATED ALWAYS AS IDENTITY
);

CREATE INDEX ix_media_assets_workspace_created ON media_assets(workspace_id, created_at, seq);

CREATE INDEX ix_media_assets_sha256 ON media_assets(sha256);

CREATE TABLE target_steps (
    post_id                text COLLATE "C" NOT NULL REFERENCES posts(id),
    platform               text COLLATE "C" NOT NULL,
    -- 'part' (index 1 … n-1) or 'comment' (index 0)
    kind                   text COLLATE "C" NOT NULL,
    step_index             bigint NOT NULL,
    -- a target status: pending, publishing, published, failed, withdrawn, needs_reconciliation
    status                 text COLLATE "C" NOT NULL,
    platform_post_id       text COLLATE "C" NULL,
    public_url             text COLLATE "C" NULL,
    error_code             text COLLATE "C" NULL,
    error_message          text COLLATE "C" NULL,
    platform_error_code    text COLLATE "C" NULL,
    platform_error_message text COLLATE "C" NULL,
    platform_http_status   bigint NULL,
    attempt_count          bigint NOT NULL DEFAULT 0,
    published_at           text COLLATE "C" NULL,
    updated_at             text COLLATE "C" NOT NULL,
    PRIMARY KEY (post_id, platform, kind, step_index)
);

CREATE TABLE posting_schedules (
    platform_set_id text COLLATE "C" PRIMARY KEY REFERENCES platform_sets(id),
    workspace_id    text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    time_zone       text COLLATE "C" NOT NULL,
    slots           text COLLATE "C" NOT NULL,
    updated_at      text COLLATE "C" NOT NULL
);

CREATE TABLE scheduler_runners (
    owner        text COLLATE "C" PRIMARY KEY,
    kind         text COLLATE "C" NOT NULL,
    started_at   text COLLATE "C" NOT NULL,
    last_seen_at text COLLATE "C" NOT NULL
);

CREATE TABLE webhook_endpoints (
    id                          text COLLATE "C" PRIMARY KEY,
    workspace_id                text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    url                         text COLLATE "C" NOT NULL,
    description                 text COLLATE "C" NULL,
    -- JSON array of event types; NULL: every type
    event_types                 text COLLATE "C" NULL,
    secret_reference            text COLLATE "C" NOT NULL,
    previous_secret_reference   text COLLATE "C" NULL,
    previous_secret_expires_at  text COLLATE "C" NULL,
    -- NULL while enabled; set when persistent failure (or a person) disabled it
    disabled_at                 text COLLATE "C" NULL,
    disabled_reason             text COLLATE "C" NULL,
    consecutive_failures        bigint NOT NULL DEFAULT 0,
    created_at                  text COLLATE "C" NOT NULL,
    updated_at                  text COLLATE "C" NOT NULL
);

CREATE INDEX ix_webhook_endpoints_workspace ON webhook_endpoints (workspace_id);

CREATE TABLE webhook_events (
    id            text COLLATE "C" PRIMARY KEY,
    workspace_id  text COLLATE "C" NOT NULL REFERENCES workspaces(id),
    type          text COLLATE "C" NOT NULL,
    post_id       text COLLATE "C" NULL,
    payload       text COLLATE "C" NOT NULL,
    created_at    text COLLATE "C" NOT NULL,
    -- the outbox's insertion order: a post's events are delivered in it (SQLite's rowid)
    seq           bigint GENERATED ALWAYS AS IDENTITY
);

CREATE INDEX ix_webhook_events_workspace_created ON webhook_events (workspace_id, created_at);

CREATE TABLE webhook_deliveries (
    id                text COLLATE "C" PRIMARY KEY,
    event_id          text COLLATE "C" NOT NULL REFERENCES webhook_events(id),
    endpoint_id       text COLLATE "C" NOT NULL REFERENCES webhook_endpoints(id),
    status            text COLLATE "C" NOT NULL,
    attempt_count     bigint NOT NULL DEFAULT 0,
    next_attempt_at   text COLLATE "C" NULL,
    last_attempt_at   text COLLATE "C" NULL,
    last_status_code  bigint NULL,
    last_latency_ms   bigint NULL,
    last_error        text COLLATE "C" NULL,
    -- a sender's claim, so two delivery loops never send the same delivery at once
    lease_owner       text COLLATE "C" NULL,
    lease_until       text COLLATE "C" NULL,
    created_at        text COLLATE "C" NOT NULL,
    updated_at        text COLLATE "C" NOT NULL,
    -- insertion order, which breaks ties between deliveries created in the same instant (SQLite's rowid)
    seq               bigint GENERATED ALWAYS AS IDENTITY
);

CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

CREATE TABLE webhook_delivery_attempts (
    delivery_id   text COLLATE "C" NOT NULL REFERENCES webhook_deliveries(id),
    attempt       bigint NOT NULL,
    attempted_at  text COLLATE "C" NOT NULL,
    -- succeeded, failed
    outcome       text COLLATE "C" NOT NULL,
    status_code   bigint NULL,
    latency_ms    bigint NOT NULL,
    error         text COLLATE "C" NULL,
    PRIMARY KEY (delivery_id, attempt)
);

CREATE INDEX ix_post_targets_verify ON post_targets (status, verified_at, not_visible_at);

-- post_events is append-only, as in SQLite.
CREATE FUNCTION post_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'post_events is append-only';
END;
$$;
CREATE TRIGGER post_events_no_update BEFORE UPDATE ON post_events FOR EACH ROW EXECUTE FUNCTION post_events_append_only();
CREATE TRIGGER post_events_no_delete BEFORE DELETE ON post_events FOR EACH ROW EXECUTE FUNCTION post_events_append_only();

-- The token key ring (ASP.NET Core Data Protection) of a PostgreSQL deployment: every instance reads and adds keys here,
-- so any instance can decrypt a token another one encrypted. (A SQLite deployment keeps its ring in a folder beside the file.)
CREATE TABLE data_protection_keys (
    friendly_name  text COLLATE "C" PRIMARY KEY,
    xml            text COLLATE "C" NOT NULL,
    created_at     text COLLATE "C" NOT NULL
);
