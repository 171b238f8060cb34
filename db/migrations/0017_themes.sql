CREATE TABLE "themes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"name_de" text NOT NULL,
	"name_en" text NOT NULL,
	"keywords_de" text[] DEFAULT '{}'::text[] NOT NULL,
	"keywords_en" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "themes_position_range" CHECK ("themes"."position" between 1 and 30)
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "themes_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "themes" ADD CONSTRAINT "themes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "themes_workspace_position_key" ON "themes" USING btree ("workspace_id","position");