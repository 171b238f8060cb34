DROP INDEX "tier_assignments_period_idx";--> statement-breakpoint
CREATE INDEX "tier_assignments_period_idx" ON "tier_assignments" USING btree ("workspace_id","period","customer_id","tier_id");