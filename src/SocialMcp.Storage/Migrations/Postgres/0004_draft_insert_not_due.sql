-- A new draft cannot be due (only scheduled, publishing and auto-retrying posts are), so its INSERT no longer notifies
-- socialmcp_due. Before, every create_post woke the scheduler of every other instance for a whole pass of about ten
-- queries; the local scheduler is no longer poked for a draft either (PostService.CreateAsync). socialmcp_post is
-- unchanged: readers still hear of every new post.
CREATE OR REPLACE FUNCTION socialmcp_notify_post() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    origin text := coalesce(current_setting('socialmcp.instance', true), '');
BEGIN
    IF (TG_OP = 'INSERT' AND NEW.status <> 'draft')
        OR (TG_OP = 'UPDATE' AND (
            NEW.status IS DISTINCT FROM OLD.status
            OR NEW.scheduled_for IS DISTINCT FROM OLD.scheduled_for
            OR NEW.auto_retry_at IS DISTINCT FROM OLD.auto_retry_at
            OR NEW.lease_owner IS DISTINCT FROM OLD.lease_owner)) THEN
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
