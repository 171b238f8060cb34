CREATE TABLE "flag_digests" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"flag_count" integer NOT NULL,
	CONSTRAINT "flag_digests_workspace_id_user_id_day_pk" PRIMARY KEY("workspace_id","user_id","day")
);
--> statement-breakpoint
CREATE TABLE "flag_evaluations" (
	"response_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "lexicon_phrases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"phrase" text NOT NULL,
	"normalized" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "flag_sla_high_days" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "flag_sla_medium_days" smallint DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "flag_alerts" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "account_owner_id" uuid;--> statement-breakpoint
ALTER TABLE "flag_digests" ADD CONSTRAINT "flag_digests_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_digests" ADD CONSTRAINT "flag_digests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_evaluations" ADD CONSTRAINT "flag_evaluations_response_id_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."responses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lexicon_phrases" ADD CONSTRAINT "lexicon_phrases_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lexicon_phrases" ADD CONSTRAINT "lexicon_phrases_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lexicon_phrases_workspace_key" ON "lexicon_phrases" USING btree ("workspace_id","normalized");--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_account_owner_id_users_id_fk" FOREIGN KEY ("account_owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_account_owner_idx" ON "customers" USING btree ("workspace_id","account_owner_id");--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_flag_sla_range" CHECK ("workspaces"."flag_sla_high_days" between 1 and 60 and "workspaces"."flag_sla_medium_days" between 1 and 60);--> statement-breakpoint
-- Queue every response that becomes completed, and every completed response
-- whose judged answers change, for the flag rules (app/flags/evaluate.server.ts).
-- The queue row is written in the transaction that saves the answers, so no
-- crash can separate the two. Statement-level, so a bulk insert queues in one go.
CREATE SEQUENCE "flag_evaluation_versions";
--> statement-breakpoint
CREATE FUNCTION responses_queue_flag_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO flag_evaluations AS q (response_id, version)
      SELECT id, nextval('flag_evaluation_versions') FROM new_rows WHERE status = 'completed'
      ON CONFLICT (response_id) DO UPDATE SET version = excluded.version, queued_at = now(), attempts = 0, last_error = NULL;
  ELSE
    INSERT INTO flag_evaluations AS q (response_id, version)
      SELECT n.id, nextval('flag_evaluation_versions') FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.status = 'completed' AND (
        o.status <> 'completed'
        OR (n.miss_us, n.miss_most, n.alternative, n.improve, n.treat_valued, n.treat_responsive, n.treat_equal, n.treat_promise)
           IS DISTINCT FROM (o.miss_us, o.miss_most, o.alternative, o.improve, o.treat_valued, o.treat_responsive, o.treat_equal, o.treat_promise))
      ON CONFLICT (response_id) DO UPDATE SET version = excluded.version, queued_at = now(), attempts = 0, last_error = NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER responses_flag_evaluation_insert AFTER INSERT ON responses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION responses_queue_flag_evaluation();
--> statement-breakpoint
CREATE TRIGGER responses_flag_evaluation_update AFTER UPDATE ON responses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION responses_queue_flag_evaluation();
