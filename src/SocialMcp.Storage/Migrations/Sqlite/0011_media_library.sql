-- Issue 13: each workspace's media library. A row is one upload; the file itself lives once under Media:Root, named
-- by its SHA-256, however many rows (of any workspace) name it. Every fact was probed from the bytes.
CREATE TABLE media_assets (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces(id),
    sha256            TEXT NOT NULL,
    size_bytes        INTEGER NOT NULL,
    mime_type         TEXT NOT NULL,
    -- image or video
    kind              TEXT NOT NULL,
    width             INTEGER NULL,
    height            INTEGER NULL,
    duration_seconds  REAL NULL,
    video_codec       TEXT NULL,
    frame_rate        REAL NULL,
    file_name         TEXT NULL,
    -- upload (inline or multipart) or url (fetched from source_host)
    source            TEXT NOT NULL,
    source_host       TEXT NULL,
    created_at        TEXT NOT NULL
);
-- list_media pages newest first; the monthly upload quota counts by created_at.
CREATE INDEX ix_media_assets_workspace_created ON media_assets(workspace_id, created_at);
-- Whether a file may be deleted: does any row still name it.
CREATE INDEX ix_media_assets_sha256 ON media_assets(sha256);
