-- Several instances on one database (issue 17): notifications sent by the writing transaction, shared rate-limit windows.
--
-- Each trigger calls pg_notify inside the transaction that makes the change, so the notification goes out at commit (and
-- not at all on rollback), whichever code path wrote the row. The payload names the writing instance (the custom setting
-- socialmcp.instance, set per connection by PostgresDataSource) so an instance can skip what it already reported itself;
-- a write from elsewhere (psql, an older build) carries an empty origin and reaches everyone. pg_notify folds identical
-- payloads of one transaction into one notification.

-- socialmcp_due: something that moves a post's next due time changed (status, time, auto retry, lease taken or released).
-- socialmcp_post: a post was created or changed in a way a reader sees (status, content version, time, approval).
CREATE FUNCTION socialmcp_notify_post() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    origin text := coalesce(current_setting('socialmcp.instance', true), '');
BEGIN
    IF TG_OP = 'INSERT'
        OR NEW.status IS DISTINCT FROM OLD.status
        OR NEW.scheduled_for IS DISTINCT FROM OLD.scheduled_for
        OR NEW.auto_retry_at IS DISTINCT FROM OLD.auto_retry_at
        OR NEW.lease_owner IS DISTINCT FROM OLD.lease_owner THEN
        PERFORM pg_notify('socialmcp_due', json_build_object('origin', origin)::text);
    END IF;
    IF TG_OP = 'INSERT'
        OR NEW.status IS DISTINCT FROM OLD.status
        OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.scheduled_for IS DISTINCT FROM OLD.scheduled_for
        OR NEW.approval IS DISTINCT FROM OLD.approval THEN
        PERFORM pg_notify('socialmcp_post',
            json_build_object('origin', origin, 'workspace', NEW.workspace_id, 'post', NEW.id)::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER posts_notify AFTER INSERT OR UPDATE ON posts
    FOR EACH ROW EXECUTE FUNCTION socialmcp_notify_post();

-- socialmcp_webhooks: a delivery became pending (written by the outbox, or sent again).
CREATE FUNCTION socialmcp_notify_webhook() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.next_attempt_at IS DISTINCT FROM OLD.next_attempt_at THEN
        PERFORM pg_notify('socialmcp_webhooks',
            json_build_object('origin', coalesce(current_setting('socialmcp.instance', true), ''))::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER webhook_deliveries_notify AFTER INSERT OR UPDATE ON webhook_deliveries
    FOR EACH ROW EXECUTE FUNCTION socialmcp_notify_webhook();

-- Fixed windows of the tool and request rate limits, counted by every instance together. A row per (partition and
-- bucket, window); rows of windows that have ended are pruned by the instances as they go.
CREATE TABLE rate_limit_windows (
    key           text COLLATE "C" NOT NULL,
    window_start  text COLLATE "C" NOT NULL,
    window_end    text COLLATE "C" NOT NULL,
    count         bigint NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE INDEX ix_rate_limit_windows_end ON rate_limit_windows (window_end);
