ALTER TABLE "period_rollups" ADD COLUMN "migration" jsonb;--> statement-breakpoint
ALTER TABLE "period_rollups" ADD COLUMN "migration_from" text;--> statement-breakpoint
ALTER TABLE "period_rollups" ADD COLUMN "migration_versions" text;