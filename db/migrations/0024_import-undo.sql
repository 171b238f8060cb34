CREATE TABLE "customer_import_applies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'applying' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_import_undo" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_import_undo_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"apply_id" uuid NOT NULL,
	"batch" integer NOT NULL,
	"customer_id" uuid,
	"customer" jsonb,
	"tier" jsonb,
	"delivery" jsonb
);
--> statement-breakpoint
ALTER TABLE "customer_import_applies" ADD CONSTRAINT "customer_import_applies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_import_undo" ADD CONSTRAINT "customer_import_undo_apply_id_customer_import_applies_id_fk" FOREIGN KEY ("apply_id") REFERENCES "public"."customer_import_applies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_import_undo_batch_idx" ON "customer_import_undo" USING btree ("apply_id","batch");