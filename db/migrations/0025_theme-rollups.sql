CREATE TABLE "period_theme_counted" (
	"workspace_id" uuid NOT NULL,
	"period" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"coded" jsonb NOT NULL,
	CONSTRAINT "period_theme_counted_workspace_id_period_customer_id_pk" PRIMARY KEY("workspace_id","period","customer_id")
);
--> statement-breakpoint
ALTER TABLE "period_rollups" ADD COLUMN "themes" jsonb;--> statement-breakpoint
ALTER TABLE "period_rollups" ADD COLUMN "themes_coding" text;--> statement-breakpoint
ALTER TABLE "period_theme_counted" ADD CONSTRAINT "period_theme_counted_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Theme counts kept by difference (decision 0038): the reader that drains
-- period_rollup_queue also takes back and adds the coded free texts of the
-- queued customers, so a change of a counted response's texts (an answer
-- changed, an erasure clearing them) queues the customer too. Otherwise as
-- in migration 0023.
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
             o.treat_equal, o.treat_promise, o.benefit, o.csat, o.recommend, o.miss_most, o.alternative, o.improve)
            IS DISTINCT FROM
            (n.status, n.workspace_id, n.period, n.customer_id, n.completed_at, n.miss_us, n.treat_valued, n.treat_responsive,
             n.treat_equal, n.treat_promise, n.benefit, n.csat, n.recommend, n.miss_most, n.alternative, n.improve);
  END IF;
  IF jsonb_array_length(pairs) > 0 THEN PERFORM bump_period_versions(pairs, true, false); END IF;
  IF jsonb_array_length(keys) > 0 THEN PERFORM queue_rollup_customers(keys); END IF;
  RETURN NULL;
END $$;
