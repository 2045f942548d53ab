-- Platform adapters: the intermediate handles of multi-step publishes, and the platform's own error words.

CREATE TABLE publish_handles (
    post_id     TEXT NOT NULL REFERENCES posts(id),
    platform    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (post_id, platform, kind)
);

ALTER TABLE post_targets ADD COLUMN platform_error_code TEXT NULL;
ALTER TABLE post_targets ADD COLUMN platform_error_message TEXT NULL;
