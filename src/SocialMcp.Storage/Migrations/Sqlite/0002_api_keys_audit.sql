-- Remote access: API keys (only the hash of the secret) and the audit log of tool calls.

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT NULL
);
CREATE INDEX ix_api_keys_workspace ON api_keys(workspace_id);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    TEXT NOT NULL,
    key_id          TEXT NULL,
    client_name     TEXT NULL,
    client_version  TEXT NULL,
    session_id      TEXT NULL,
    tool            TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    duration_ms     REAL NOT NULL,
    occurred_at     TEXT NOT NULL
);
CREATE INDEX ix_audit_log_workspace ON audit_log(workspace_id, id);

CREATE UNIQUE INDEX ux_workspaces_name ON workspaces(name);
