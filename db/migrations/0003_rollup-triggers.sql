-- Bump the change counters of period rollups (db/schema/reports.ts) whenever
-- the data behind them changes. Statement-level triggers with transition
-- tables, so a bulk insert of a million rows bumps each period once.

CREATE FUNCTION bump_period_versions(pairs jsonb, tables boolean, invitations boolean) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO period_rollup_versions AS v (workspace_id, period, tables_version, invitations_version)
  SELECT DISTINCT (p->>'workspace_id')::uuid, p->>'period', 1, 1 FROM jsonb_array_elements(pairs) p
  ON CONFLICT (workspace_id, period) DO UPDATE
    SET tables_version = v.tables_version + (CASE WHEN tables THEN 1 ELSE 0 END),
        invitations_version = v.invitations_version + (CASE WHEN invitations THEN 1 ELSE 0 END);
$$;
--> statement-breakpoint
CREATE FUNCTION responses_bump_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pairs jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]')
      INTO pairs FROM new_rows WHERE status = 'completed';
  ELSIF TG_OP = 'DELETE' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]')
      INTO pairs FROM old_rows WHERE status = 'completed';
  ELSE
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]')
      INTO pairs FROM (SELECT workspace_id, period FROM new_rows WHERE status = 'completed'
                       UNION SELECT workspace_id, period FROM old_rows WHERE status = 'completed') changed;
  END IF;
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER responses_rollups_insert AFTER INSERT ON responses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION responses_bump_rollups();
--> statement-breakpoint
CREATE TRIGGER responses_rollups_update AFTER UPDATE ON responses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION responses_bump_rollups();
--> statement-breakpoint
CREATE TRIGGER responses_rollups_delete AFTER DELETE ON responses REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION responses_bump_rollups();
--> statement-breakpoint
CREATE FUNCTION invitations_bump_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pairs jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', c.workspace_id, 'period', c.period)), '[]')
      INTO pairs FROM (SELECT DISTINCT campaign_id FROM new_rows) n JOIN campaigns c ON c.id = n.campaign_id;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', c.workspace_id, 'period', c.period)), '[]')
      INTO pairs FROM (SELECT DISTINCT campaign_id FROM old_rows) o JOIN campaigns c ON c.id = o.campaign_id;
  ELSE
    -- Only a change of delivery counts for the response rate.
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', c.workspace_id, 'period', c.period)), '[]')
      INTO pairs FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN campaigns c ON c.id = n.campaign_id
      WHERE (n.delivered_at IS NULL) <> (o.delivered_at IS NULL) OR n.customer_id <> o.customer_id;
  END IF;
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, false, true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invitations_rollups_insert AFTER INSERT ON invitations REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invitations_bump_rollups();
--> statement-breakpoint
CREATE TRIGGER invitations_rollups_update AFTER UPDATE ON invitations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invitations_bump_rollups();
--> statement-breakpoint
CREATE TRIGGER invitations_rollups_delete AFTER DELETE ON invitations REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invitations_bump_rollups();
--> statement-breakpoint
CREATE FUNCTION tier_assignments_bump_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pairs jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]') INTO pairs FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]') INTO pairs FROM old_rows;
  ELSE
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]')
      INTO pairs FROM (SELECT workspace_id, period FROM new_rows UNION SELECT workspace_id, period FROM old_rows) changed;
  END IF;
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tier_assignments_rollups_insert AFTER INSERT ON tier_assignments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_bump_rollups();
--> statement-breakpoint
CREATE TRIGGER tier_assignments_rollups_update AFTER UPDATE ON tier_assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_bump_rollups();
--> statement-breakpoint
CREATE TRIGGER tier_assignments_rollups_delete AFTER DELETE ON tier_assignments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_bump_rollups();
--> statement-breakpoint
-- Tier labels are part of the cached tables: a rename invalidates every period of the workspace.
CREATE FUNCTION workspace_tiers_bump_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pairs jsonb;
BEGIN
  SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', ta.workspace_id, 'period', ta.period)), '[]')
    INTO pairs FROM tier_assignments ta
    WHERE ta.workspace_id IN (SELECT workspace_id FROM new_rows UNION SELECT workspace_id FROM old_rows);
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER workspace_tiers_rollups_update AFTER UPDATE ON workspace_tiers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION workspace_tiers_bump_rollups();
