ALTER TABLE "invitations" DROP CONSTRAINT "invitations_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "invitations" DROP CONSTRAINT "invitations_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "email_messages" DROP CONSTRAINT "email_messages_invitation_id_invitations_id_fk";
--> statement-breakpoint
ALTER TABLE "email_messages" DROP CONSTRAINT "email_messages_template_id_email_templates_id_fk";
