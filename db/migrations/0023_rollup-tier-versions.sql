ALTER TABLE "period_rollup_versions" ADD COLUMN "tiers_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- A new or changed answer changes neither the invitation counts (invitations
-- and tier assignments only) nor the tier migration (tier assignments only):
-- responses bump the tables' change counter alone, and tier assignments also
-- bump `tiers_version`, the tier migration's key (decision 0031).
CREATE FUNCTION bump_period_tier_versions(pairs jsonb) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO period_rollup_versions AS v (workspace_id, period, tables_version, invitations_version, tiers_version)
  SELECT DISTINCT (p->>'workspace_id')::uuid, p->>'period', 1, 1, 1 FROM jsonb_array_elements(pairs) p
  ON CONFLICT (workspace_id, period) DO UPDATE SET tiers_version = v.tiers_version + 1;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION responses_bump_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pairs jsonb; keys jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]'),
           coalesce(jsonb_agg(jsonb_build_array(workspace_id, period, customer_id)), '[]')
      INTO pairs, keys FROM new_rows WHERE status = 'completed';
  ELSIF TG_OP = 'DELETE' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]'),
           coalesce(jsonb_agg(jsonb_build_array(workspace_id, period, customer_id)), '[]')
      INTO pairs, keys FROM old_rows WHERE status = 'completed';
  ELSE
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]')
      INTO pairs FROM (SELECT workspace_id, period FROM new_rows WHERE status = 'completed'
                       UNION SELECT workspace_id, period FROM old_rows WHERE status = 'completed') changed;
    SELECT coalesce(jsonb_agg(jsonb_build_array(k.workspace_id, k.period, k.customer_id)), '[]') INTO keys
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES (o.workspace_id, o.period, o.customer_id), (n.workspace_id, n.period, n.customer_id)) k(workspace_id, period, customer_id)
      WHERE (o.status = 'completed' OR n.status = 'completed')
        AND (o.status, o.workspace_id, o.period, o.customer_id, o.completed_at, o.miss_us, o.treat_valued, o.treat_responsive,
             o.treat_equal, o.treat_promise, o.benefit, o.csat, o.recommend)
            IS DISTINCT FROM
            (n.status, n.workspace_id, n.period, n.customer_id, n.completed_at, n.miss_us, n.treat_valued, n.treat_responsive,
             n.treat_equal, n.treat_promise, n.benefit, n.csat, n.recommend);
  END IF;
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, false); END IF;
  IF jsonb_array_length(keys) > 0 THEN PERFORM queue_rollup_customers(keys); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tier_assignments_bump_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pairs jsonb; keys jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]'),
           coalesce(jsonb_agg(jsonb_build_array(workspace_id, period, customer_id)), '[]')
      INTO pairs, keys FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]'),
           coalesce(jsonb_agg(jsonb_build_array(workspace_id, period, customer_id)), '[]')
      INTO pairs, keys FROM old_rows;
  ELSE
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', workspace_id, 'period', period)), '[]')
      INTO pairs FROM (SELECT workspace_id, period FROM new_rows UNION SELECT workspace_id, period FROM old_rows) changed;
    SELECT coalesce(jsonb_agg(jsonb_build_array(k.workspace_id, k.period, k.customer_id)), '[]') INTO keys
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES (o.workspace_id, o.period, o.customer_id), (n.workspace_id, n.period, n.customer_id)) k(workspace_id, period, customer_id)
      WHERE (o.workspace_id, o.period, o.customer_id, o.tier_id) IS DISTINCT FROM (n.workspace_id, n.period, n.customer_id, n.tier_id);
  END IF;
  IF jsonb_array_length(pairs) > 0 THEN
    PERFORM bump_period_versions(pairs, true, true);
    PERFORM bump_period_tier_versions(pairs);
  END IF;
  IF jsonb_array_length(keys) > 0 THEN PERFORM queue_rollup_customers(keys); END IF;
  RETURN NULL;
END $$;
