-- Issue 12: accounts connected with each platform's OAuth, and their tokens kept alive. Tokens, refresh tokens, PKCE
-- verifiers and pending grants are stored only as token-vault references (Data Protection ciphertext), never in plain.

-- How the account's access is renewed (refresh_token, rotating_refresh_token, extend_access_token, reconnect_only); NULL
-- for a pasted or sandbox token, which is never refreshed.
ALTER TABLE accounts ADD COLUMN refresh_model TEXT NULL;
ALTER TABLE accounts ADD COLUMN refresh_token_reference TEXT NULL;
ALTER TABLE accounts ADD COLUMN refresh_expires_at TEXT NULL;
-- JSON array of the scopes the person granted.
ALTER TABLE accounts ADD COLUMN token_scopes TEXT NOT NULL DEFAULT '[]';
-- Bumped by every stored renewal: a refresher that waited on another's lease knows the tokens were renewed meanwhile.
ALTER TABLE accounts ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN refresh_failures INTEGER NOT NULL DEFAULT 0;
-- The platform's error code or a short text; never a token.
ALTER TABLE accounts ADD COLUMN last_refresh_error TEXT NULL;
ALTER TABLE accounts ADD COLUMN last_refresh_attempt_at TEXT NULL;
ALTER TABLE accounts ADD COLUMN last_refreshed_at TEXT NULL;
-- One refresher at a time per account, across processes: taken by a conditional UPDATE, run out after a while.
ALTER TABLE accounts ADD COLUMN refresh_lease_owner TEXT NULL;
ALTER TABLE accounts ADD COLUMN refresh_lease_until TEXT NULL;
ALTER TABLE accounts ADD COLUMN reconnect_required INTEGER NOT NULL DEFAULT 0;

-- Reconnecting the same platform identity renews it in place: found by workspace, platform and platform account id.
CREATE INDEX ix_accounts_identity ON accounts(workspace_id, platform, platform_account_id);

-- A started connect. The state is single-use: only its SHA-256 is kept, and completing consumes the row with a
-- conditional UPDATE. The PKCE verifier and the grant waiting for an identity choice are vault references.
CREATE TABLE account_connects (
    id                       TEXT PRIMARY KEY,
    state_hash               TEXT NOT NULL UNIQUE,
    workspace_id             TEXT NOT NULL REFERENCES workspaces(id),
    platform                 TEXT NOT NULL,
    platform_set_id          TEXT NULL,
    platform_set_name        TEXT NULL,
    channel                  TEXT NOT NULL,
    redirect_uri             TEXT NOT NULL,
    verifier_reference       TEXT NOT NULL,
    -- pending, exchanging, choice_required, connected, failed, expired
    status                   TEXT NOT NULL,
    expires_at               TEXT NOT NULL,
    created_at               TEXT NOT NULL,
    completed_at             TEXT NULL,
    account_id               TEXT NULL,
    renewed                  INTEGER NOT NULL DEFAULT 0,
    problem_code             TEXT NULL,
    problem_message          TEXT NULL,
    problem_hint             TEXT NULL,
    -- JSON array of {platformAccountId, handle, displayName}: ids and handles only.
    choices                  TEXT NOT NULL DEFAULT '[]',
    pending_grant_reference  TEXT NULL
);
CREATE INDEX ix_account_connects_workspace ON account_connects(workspace_id, created_at);
