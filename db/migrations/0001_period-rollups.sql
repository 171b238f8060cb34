CREATE TABLE "period_rollup_versions" (
	"workspace_id" uuid NOT NULL,
	"period" text NOT NULL,
	"tables_version" bigint DEFAULT 0 NOT NULL,
	"invitations_version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "period_rollup_versions_workspace_id_period_pk" PRIMARY KEY("workspace_id","period")
);
--> statement-breakpoint
CREATE TABLE "period_rollups" (
	"workspace_id" uuid NOT NULL,
	"period" text NOT NULL,
	"tables" jsonb,
	"tables_version" bigint,
	"invitations" jsonb,
	"invitations_version" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "period_rollups_workspace_id_period_pk" PRIMARY KEY("workspace_id","period")
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "cooldown_days" smallint;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "launched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "period_rollup_versions" ADD CONSTRAINT "period_rollup_versions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_rollups" ADD CONSTRAINT "period_rollups_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaigns_status_idx" ON "campaigns" USING btree ("status");--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_cooldown_range" CHECK ("campaigns"."cooldown_days" is null or "campaigns"."cooldown_days" between 0 and 365);