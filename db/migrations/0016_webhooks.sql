CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "webhook_deliveries_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"customer_id" uuid,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_status_code" smallint,
	"last_error" text,
	"last_response" text,
	"delivered_at" timestamp with time zone,
	"replay_of" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"events" text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_at" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_order_idx" ON "webhook_deliveries" USING btree ("endpoint_id","customer_id","seq") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_workspace_idx" ON "webhook_endpoints" USING btree ("workspace_id");--> statement-breakpoint
-- Webhook events are written by triggers in the transaction of the change they
-- report (docs/decisions/0024-signed-webhooks.md): every path that completes
-- an answer, raises or works a flag, closes a campaign or sets a tier reports
-- it, and nothing is reported that was rolled back. Only workspaces with an
-- enabled endpoint for the event type pay for building the payload.
-- The payload never holds survey tokens, emails of customers or flag notes.
CREATE FUNCTION webhook_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;
--> statement-breakpoint
-- One delivery per event and subscribed endpoint; an event has one id for all of them.
CREATE FUNCTION webhook_fan_out(p_type text, p_workspaces uuid[], p_customers uuid[], p_data jsonb[]) RETURNS void LANGUAGE sql AS $$
  WITH ev AS MATERIALIZED (
    SELECT u.workspace_id, u.customer_id, u.data, u.ord, 'evt_' || replace(gen_random_uuid()::text, '-', '') AS event_id
    FROM unnest(p_workspaces, p_customers, p_data) WITH ORDINALITY AS u(workspace_id, customer_id, data, ord)
  )
  INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, customer_id, payload)
  SELECT ev.workspace_id, e.id, ev.event_id, p_type, ev.customer_id,
         jsonb_build_object('type', p_type, 'timestamp', webhook_iso(now()), 'data', ev.data)
  FROM ev JOIN webhook_endpoints e ON e.workspace_id = ev.workspace_id AND e.enabled AND p_type = ANY(e.events)
  ORDER BY ev.ord, e.created_at, e.id
$$;
--> statement-breakpoint
CREATE FUNCTION webhook_subscribed(p_type text) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
  SELECT DISTINCT workspace_id FROM webhook_endpoints WHERE enabled AND p_type = ANY(events)
$$;
--> statement-breakpoint
CREATE FUNCTION webhook_responses_completed(p_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  SELECT webhook_fan_out('response.completed', array_agg(r.workspace_id ORDER BY r.completed_at, r.id), array_agg(r.customer_id ORDER BY r.completed_at, r.id),
    array_agg(jsonb_build_object(
      'responseId', r.id, 'campaignId', r.campaign_id, 'period', r.period, 'locale', r.locale, 'completedAt', webhook_iso(r.completed_at),
      'customer', jsonb_build_object('id', c.id, 'externalId', c.external_id),
      'tier', wt.label,
      'answers', jsonb_build_object(
        'missUs', r.miss_us, 'missMost', r.miss_most, 'alternative', r.alternative,
        'treatValued', r.treat_valued, 'treatResponsive', r.treat_responsive, 'treatEqual', r.treat_equal, 'treatPromise', r.treat_promise,
        'benefit', r.benefit, 'csat', r.csat, 'recommend', r.recommend, 'improve', r.improve)
    ) ORDER BY r.completed_at, r.id))
  FROM responses r JOIN customers c ON c.id = r.customer_id
  LEFT JOIN tier_assignments ta ON ta.customer_id = r.customer_id AND ta.period = r.period
  LEFT JOIN workspace_tiers wt ON wt.id = ta.tier_id
  WHERE r.id = ANY(p_ids) AND r.status = 'completed' AND c.erased_at IS NULL
$$;
--> statement-breakpoint
CREATE FUNCTION responses_webhook_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    ids := ARRAY(SELECT n.id FROM new_rows n WHERE n.status = 'completed' AND n.workspace_id IN (SELECT webhook_subscribed('response.completed')));
  ELSE
    ids := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.status = 'completed' AND o.status <> 'completed' AND n.workspace_id IN (SELECT webhook_subscribed('response.completed')));
  END IF;
  IF cardinality(ids) > 0 THEN PERFORM webhook_responses_completed(ids); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER responses_webhook_insert AFTER INSERT ON responses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION responses_webhook_events();
--> statement-breakpoint
CREATE TRIGGER responses_webhook_update AFTER UPDATE ON responses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION responses_webhook_events();
--> statement-breakpoint
-- Flags: raised (new, or raised again after a withdrawal) and changed (status, severity, reasons or assignee).
CREATE FUNCTION webhook_flag_events(p_type text, p_ids uuid[], p_previous text[]) RETURNS void LANGUAGE sql AS $$
  SELECT webhook_fan_out(p_type, array_agg(f.workspace_id ORDER BY p.ord), array_agg(f.customer_id ORDER BY p.ord),
    array_agg(jsonb_build_object(
      'flagId', f.id, 'kind', f.kind, 'severity', f.severity, 'status', f.status, 'previousStatus', p.previous,
      'reasons', to_jsonb(f.reasons), 'campaignId', f.campaign_id, 'responseId', f.response_id,
      'customer', jsonb_build_object('id', c.id, 'externalId', c.external_id),
      'assignee', CASE WHEN u.id IS NULL THEN NULL ELSE jsonb_build_object('name', u.name, 'email', u.email) END,
      'raisedAt', webhook_iso(f.created_at), 'updatedAt', webhook_iso(f.updated_at)
    ) ORDER BY p.ord))
  FROM unnest(p_ids, p_previous) WITH ORDINALITY AS p(id, previous, ord)
  JOIN flags f ON f.id = p.id JOIN customers c ON c.id = f.customer_id
  LEFT JOIN users u ON u.id = f.assigned_to
  WHERE c.erased_at IS NULL
$$;
--> statement-breakpoint
CREATE FUNCTION flags_webhook_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[]; previous text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    ids := ARRAY(SELECT n.id FROM new_rows n WHERE n.workspace_id IN (SELECT webhook_subscribed('flag.raised')) ORDER BY n.created_at, n.id);
    IF cardinality(ids) > 0 THEN PERFORM webhook_flag_events('flag.raised', ids, array_fill(NULL::text, ARRAY[cardinality(ids)])); END IF;
    RETURN NULL;
  END IF;
  SELECT array_agg(n.id ORDER BY n.updated_at, n.id), array_agg(o.status ORDER BY n.updated_at, n.id) INTO ids, previous
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE o.status = 'withdrawn' AND n.status = 'open' AND n.workspace_id IN (SELECT webhook_subscribed('flag.raised'));
  IF cardinality(ids) > 0 THEN PERFORM webhook_flag_events('flag.raised', ids, previous); END IF;
  SELECT array_agg(n.id ORDER BY n.updated_at, n.id), array_agg(o.status ORDER BY n.updated_at, n.id) INTO ids, previous
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE NOT (o.status = 'withdrawn' AND n.status = 'open')
      AND (n.status, n.severity, n.reasons, n.assigned_to) IS DISTINCT FROM (o.status, o.severity, o.reasons, o.assigned_to)
      AND n.workspace_id IN (SELECT webhook_subscribed('flag.changed'));
  IF cardinality(ids) > 0 THEN PERFORM webhook_flag_events('flag.changed', ids, previous); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER flags_webhook_insert AFTER INSERT ON flags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION flags_webhook_events();
--> statement-breakpoint
CREATE TRIGGER flags_webhook_update AFTER UPDATE ON flags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION flags_webhook_events();
--> statement-breakpoint
CREATE FUNCTION campaigns_webhook_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM webhook_fan_out('campaign.closed', array_agg(n.workspace_id ORDER BY n.id), array_agg(NULL::uuid ORDER BY n.id),
    array_agg(jsonb_build_object('campaignId', n.id, 'name', n.name, 'period', n.period, 'closedAt', webhook_iso(coalesce(n.closed_at, now()))) ORDER BY n.id))
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE n.status = 'closed' AND o.status <> 'closed' AND n.workspace_id IN (SELECT webhook_subscribed('campaign.closed'));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER campaigns_webhook_update AFTER UPDATE ON campaigns REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION campaigns_webhook_events();
--> statement-breakpoint
-- A new or different tier: the customer.tier_changed event, and the customer's
-- updated_at moves, so an API client polling with updated_since sees the change
-- (a customer already changed in this transaction is not written twice).
CREATE FUNCTION tier_assignments_changed(p_ids uuid[], p_previous uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE customers c SET updated_at = now()
    FROM tier_assignments ta WHERE ta.id = ANY(p_ids) AND c.id = ta.customer_id AND c.updated_at < now();
  PERFORM webhook_fan_out('customer.tier_changed', array_agg(ta.workspace_id ORDER BY p.ord), array_agg(ta.customer_id ORDER BY p.ord),
    array_agg(jsonb_build_object(
      'customer', jsonb_build_object('id', c.id, 'externalId', c.external_id),
      'period', ta.period, 'tier', wt.label, 'previousTier', pt.label, 'source', ta.source
    ) ORDER BY p.ord))
  FROM unnest(p_ids, p_previous) WITH ORDINALITY AS p(id, previous_tier_id, ord)
  JOIN tier_assignments ta ON ta.id = p.id JOIN customers c ON c.id = ta.customer_id
  JOIN workspace_tiers wt ON wt.id = ta.tier_id LEFT JOIN workspace_tiers pt ON pt.id = p.previous_tier_id
  WHERE c.erased_at IS NULL AND ta.workspace_id IN (SELECT webhook_subscribed('customer.tier_changed'));
END $$;
--> statement-breakpoint
CREATE FUNCTION tier_assignments_webhook_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[]; previous uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(n.id ORDER BY n.id), array_agg(NULL::uuid) INTO ids, previous FROM new_rows n;
  ELSE
    SELECT array_agg(n.id ORDER BY n.id), array_agg(o.tier_id ORDER BY n.id) INTO ids, previous
      FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.tier_id <> o.tier_id;
  END IF;
  IF cardinality(ids) > 0 THEN PERFORM tier_assignments_changed(ids, previous); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tier_assignments_webhook_insert AFTER INSERT ON tier_assignments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_webhook_events();
--> statement-breakpoint
CREATE TRIGGER tier_assignments_webhook_update AFTER UPDATE ON tier_assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_webhook_events();
