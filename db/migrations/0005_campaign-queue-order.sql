DROP INDEX "email_messages_queue_idx";--> statement-breakpoint
DROP INDEX "email_messages_provider_idx";--> statement-breakpoint
DROP INDEX "email_messages_batch_idx";--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "invitations_queued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "launch_locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "priority" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "email_messages_due_idx" ON "email_messages" USING btree ("transport","priority","next_attempt_at") WHERE "email_messages"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "email_messages_provider_idx" ON "email_messages" USING btree ("provider_id") WHERE "email_messages"."provider_id" is not null;--> statement-breakpoint
CREATE INDEX "email_messages_batch_idx" ON "email_messages" USING btree ("batch_id") WHERE "email_messages"."batch_id" is not null;