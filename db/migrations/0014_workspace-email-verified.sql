ALTER TABLE "workspaces" ADD COLUMN "email_verified_at" timestamp with time zone;--> statement-breakpoint
-- Workspaces made before verification existed count as verified.
UPDATE "workspaces" SET "email_verified_at" = "created_at";