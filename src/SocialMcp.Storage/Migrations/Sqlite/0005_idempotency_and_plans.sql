-- Idempotency keys of create_post and publish_post, per workspace and per tool: the SHA-256 of the canonical JSON of the
-- arguments (without the key) and the post the first call produced. Written in the transaction that creates or claims
-- the post, so a key never exists without its post. (Plan hashes are computed from the post itself and need no table.)

CREATE TABLE idempotency_keys (
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    tool          TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    post_id       TEXT NOT NULL REFERENCES posts(id),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, tool, key)
);
