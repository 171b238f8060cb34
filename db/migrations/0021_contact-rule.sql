-- The contact rule is edited in the settings from now on, within 0 to 365 days; values outside (none were settable) are brought into the range first.
UPDATE "workspaces" SET "survey_cooldown_days" = least(greatest("survey_cooldown_days", 0), 365) WHERE "survey_cooldown_days" NOT BETWEEN 0 AND 365;--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_contact_days_range" CHECK ("workspaces"."survey_cooldown_days" between 0 and 365);
