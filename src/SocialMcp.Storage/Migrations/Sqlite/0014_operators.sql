-- Issue 16: operators in the loop. Webhook endpoints, the transactional outbox of their events and its delivery log;
-- verified publication; the overdue alarm; human approval.

-- A workspace's webhook endpoints. The signing secrets live in the token vault (references here, never the secret);
-- during a rotation the previous secret signs too until previous_secret_expires_at.
CREATE TABLE webhook_endpoints (
    id                          TEXT PRIMARY KEY,
    workspace_id                TEXT NOT NULL REFERENCES workspaces(id),
    url                         TEXT NOT NULL,
    description                 TEXT NULL,
    -- JSON array of event types; NULL: every type
    event_types                 TEXT NULL,
    secret_reference            TEXT NOT NULL,
    previous_secret_reference   TEXT NULL,
    previous_secret_expires_at  TEXT NULL,
    -- NULL while enabled; set when persistent failure (or a person) disabled it
    disabled_at                 TEXT NULL,
    disabled_reason             TEXT NULL,
    consecutive_failures        INTEGER NOT NULL DEFAULT 0,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
);
CREATE INDEX ix_webhook_endpoints_workspace ON webhook_endpoints (workspace_id);

-- The outbox: each event exactly as sent (payload is the whole JSON body), written in the transaction of its change.
CREATE TABLE webhook_events (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    type          TEXT NOT NULL,
    post_id       TEXT NULL,
    payload       TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX ix_webhook_events_workspace_created ON webhook_events (workspace_id, created_at);

-- One event to one endpoint. status: pending (due at next_attempt_at), succeeded, failed (gave up), cancelled.
CREATE TABLE webhook_deliveries (
    id                TEXT PRIMARY KEY,
    event_id          TEXT NOT NULL REFERENCES webhook_events(id),
    endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints(id),
    status            TEXT NOT NULL,
    attempt_count     INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT NULL,
    last_attempt_at   TEXT NULL,
    last_status_code  INTEGER NULL,
    last_latency_ms   INTEGER NULL,
    last_error        TEXT NULL,
    -- a sender's claim, so two delivery loops never send the same delivery at once
    lease_owner       TEXT NULL,
    lease_until       TEXT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- Every attempt of every delivery: the delivery log.
CREATE TABLE webhook_delivery_attempts (
    delivery_id   TEXT NOT NULL REFERENCES webhook_deliveries(id),
    attempt       INTEGER NOT NULL,
    attempted_at  TEXT NOT NULL,
    -- succeeded, failed
    outcome       TEXT NOT NULL,
    status_code   INTEGER NULL,
    latency_ms    INTEGER NOT NULL,
    error         TEXT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- Verified publication: the read-back after a target publishes.
ALTER TABLE post_targets ADD COLUMN verified_at TEXT NULL;
ALTER TABLE post_targets ADD COLUMN not_visible_at TEXT NULL;
ALTER TABLE post_targets ADD COLUMN not_visible_reason TEXT NULL;
ALTER TABLE post_targets ADD COLUMN verify_attempts INTEGER NOT NULL DEFAULT 0;

-- The overdue alarm fired for the post (once).
ALTER TABLE posts ADD COLUMN overdue_at TEXT NULL;

-- Human approval: the held action (JSON ApprovalRequest) while the post is awaiting_approval.
ALTER TABLE posts ADD COLUMN approval TEXT NULL;
