CREATE TABLE "period_rollup_counted" (
	"workspace_id" uuid NOT NULL,
	"period" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"miss_us" text,
	"treat_valued" smallint,
	"treat_responsive" smallint,
	"treat_equal" smallint,
	"treat_promise" smallint,
	"benefit" smallint,
	"csat" smallint,
	"recommend" smallint,
	CONSTRAINT "period_rollup_counted_workspace_id_period_customer_id_pk" PRIMARY KEY("workspace_id","period","customer_id")
);
--> statement-breakpoint
CREATE TABLE "period_rollup_queue" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "period_rollup_queue_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"period" text NOT NULL,
	"customer_id" uuid
);
--> statement-breakpoint
ALTER TABLE "period_rollup_counted" ADD CONSTRAINT "period_rollup_counted_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "period_rollup_queue_period_idx" ON "period_rollup_queue" USING btree ("workspace_id","period");--> statement-breakpoint
-- Incremental rollups (decision 0031): besides bumping the change counters,
-- the triggers queue the customers whose contribution to a period's
-- frequency tables may have changed; the next reader of the period takes
-- their old contribution back and adds the new one. A statement that changes
-- more than 500 customers of one period (an import, a bulk change) queues
-- the period for a recount instead, as one row without customer.
CREATE FUNCTION queue_rollup_customers(keys jsonb) RETURNS void LANGUAGE sql AS $$
  WITH k AS (
    SELECT DISTINCT (e->>0)::uuid AS workspace_id, e->>1 AS period, (e->>2)::uuid AS customer_id FROM jsonb_array_elements(keys) e
  ), per AS (SELECT workspace_id, period, count(*) AS n FROM k GROUP BY workspace_id, period)
  INSERT INTO period_rollup_queue (workspace_id, period, customer_id)
  SELECT k.workspace_id, k.period, k.customer_id FROM k JOIN per USING (workspace_id, period) WHERE per.n <= 500
  UNION ALL SELECT workspace_id, period, NULL FROM per WHERE n > 500;
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
    -- Only a change of what the tables count queues the customer (an erasure's cleared texts do not).
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
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, true); END IF;
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
    -- Revenue and margin (cleared on erasure) are not counted: only a change of tier queues the customer.
    SELECT coalesce(jsonb_agg(jsonb_build_array(k.workspace_id, k.period, k.customer_id)), '[]') INTO keys
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES (o.workspace_id, o.period, o.customer_id), (n.workspace_id, n.period, n.customer_id)) k(workspace_id, period, customer_id)
      WHERE (o.workspace_id, o.period, o.customer_id, o.tier_id) IS DISTINCT FROM (n.workspace_id, n.period, n.customer_id, n.tier_id);
  END IF;
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, true); END IF;
  IF jsonb_array_length(keys) > 0 THEN PERFORM queue_rollup_customers(keys); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Tier labels are part of the stored tables: a rename has every period of the workspace counted afresh.
CREATE OR REPLACE FUNCTION workspace_tiers_bump_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pairs jsonb;
BEGIN
  SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('workspace_id', ta.workspace_id, 'period', ta.period)), '[]')
    INTO pairs FROM tier_assignments ta
    WHERE ta.workspace_id IN (SELECT workspace_id FROM new_rows UNION SELECT workspace_id FROM old_rows);
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, true); END IF;
  INSERT INTO period_rollup_queue (workspace_id, period, customer_id)
    SELECT DISTINCT ta.workspace_id, ta.period, NULL::uuid FROM tier_assignments ta
    WHERE ta.workspace_id IN (SELECT n.workspace_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.label IS DISTINCT FROM n.label);
  RETURN NULL;
END $$;
