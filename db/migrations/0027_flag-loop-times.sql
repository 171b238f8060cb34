ALTER TABLE "flags" ADD COLUMN "first_action_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
-- The flag loop's figures (app/reports/flag-loop.server.ts) need, per flag,
-- its first contact, resolution or dismissal and its latest resolution or
-- dismissal. Read from flag_events they cost an index lookup per flag on
-- every view of the review and the flag queue; kept on the flag they come
-- with it. Filled here from the histories, then kept by a trigger on each
-- new event (the events are never changed, and only deleted with their flag).
UPDATE "flags" f SET "first_action_at" = e.first_action, "closed_at" = e.closed
  FROM (SELECT flag_id,
          min(created_at) AS first_action,
          max(created_at) FILTER (WHERE action IN ('resolved', 'dismissed')) AS closed
        FROM flag_events WHERE action IN ('contacted', 'resolved', 'dismissed') GROUP BY flag_id) e
  WHERE f.id = e.flag_id;
--> statement-breakpoint
-- least() and greatest() ignore nulls: the first event sets the time.
CREATE FUNCTION flag_events_keep_loop_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE flags SET
    first_action_at = least(first_action_at, NEW.created_at),
    closed_at = CASE WHEN NEW.action IN ('resolved', 'dismissed') THEN greatest(closed_at, NEW.created_at) ELSE closed_at END
  WHERE id = NEW.flag_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER flag_events_loop_times AFTER INSERT ON flag_events
  FOR EACH ROW WHEN (NEW.action IN ('contacted', 'resolved', 'dismissed')) EXECUTE FUNCTION flag_events_keep_loop_times();
