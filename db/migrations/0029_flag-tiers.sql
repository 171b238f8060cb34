ALTER TABLE "flags" ADD COLUMN "tier_id" uuid;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_tier_id_workspace_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."workspace_tiers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- The flag figures per tier (the flag loop, open flags per tier, the flag
-- queue's tier filter) looked up each flag's tier in tier_assignments: one
-- index probe per flag on every view. Kept on the flag they come with it:
-- filled here, set when a flag is written, and followed when the customer's
-- assignment for the campaign's period is added, changed or removed. A
-- campaign's period changes only while it is a draft, before any flag.
UPDATE "flags" f SET "tier_id" = ta.tier_id
  FROM "campaigns" c, "tier_assignments" ta
  WHERE c.id = f.campaign_id AND ta.customer_id = f.customer_id AND ta.period = c.period;
--> statement-breakpoint
CREATE FUNCTION flags_set_tier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tier_id := (SELECT ta.tier_id FROM campaigns c JOIN tier_assignments ta ON ta.period = c.period
    WHERE c.id = NEW.campaign_id AND ta.customer_id = NEW.customer_id);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER flags_tier BEFORE INSERT OR UPDATE OF customer_id, campaign_id ON flags
  FOR EACH ROW EXECUTE FUNCTION flags_set_tier();
--> statement-breakpoint
CREATE FUNCTION tier_assignments_keep_flag_tiers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    -- The flags of a (customer, period) that no longer has this assignment; an
    -- assignment that stays (an UPDATE of its tier) is set again just below.
    UPDATE flags f SET tier_id = NULL
      FROM old_rows o, campaigns c
      WHERE f.customer_id = o.customer_id AND c.id = f.campaign_id AND c.period = o.period AND f.tier_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM tier_assignments ta WHERE ta.customer_id = o.customer_id AND ta.period = o.period);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE flags f SET tier_id = n.tier_id
      FROM new_rows n, campaigns c
      WHERE f.customer_id = n.customer_id AND c.id = f.campaign_id AND c.period = n.period AND f.tier_id IS DISTINCT FROM n.tier_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tier_assignments_flag_tiers_insert AFTER INSERT ON tier_assignments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_keep_flag_tiers();
--> statement-breakpoint
CREATE TRIGGER tier_assignments_flag_tiers_update AFTER UPDATE ON tier_assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_keep_flag_tiers();
--> statement-breakpoint
CREATE TRIGGER tier_assignments_flag_tiers_delete AFTER DELETE ON tier_assignments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tier_assignments_keep_flag_tiers();
