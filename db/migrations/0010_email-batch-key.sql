ALTER TABLE "email_messages" DROP CONSTRAINT "email_messages_batch_id_email_batches_id_fk";
