import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { emailAttachments } from '../../db/schema';

export interface StoredAttachment {
  messageId: string;
  filename: string;
  contentType: string;
  contentId: string | null;
  contentBase64: string;
}

/** The attachments of messages, each message's in the order they were attached. */
export async function attachmentsOf(db: Database, messageIds: string[]): Promise<Map<string, StoredAttachment[]>> {
  const byMessage = new Map<string, StoredAttachment[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .select({
      messageId: emailAttachments.messageId,
      filename: emailAttachments.filename,
      contentType: emailAttachments.contentType,
      contentId: emailAttachments.contentId,
      contentBase64: emailAttachments.contentBase64,
    })
    .from(emailAttachments)
    .where(inArray(emailAttachments.messageId, messageIds))
    .orderBy(emailAttachments.messageId, emailAttachments.position);
  for (const row of rows) {
    const list = byMessage.get(row.messageId) ?? [];
    list.push(row);
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}
