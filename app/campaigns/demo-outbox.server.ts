import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { emailSettings } from '../email/settings.server';
import { jsonParam } from '../email/sql.server';
import { insertSurveyMessages } from './campaign-emails.server';
import { surveyEmailContext } from './launch.server';

export interface DemoInvitation {
  invitationId: string;
  token: string;
  email: string;
  name: string | null;
  locale: 'de' | 'en';
  /** When the one reminder went out, or null (answered before it was due). */
  remindedAt: Date | null;
}

/**
 * The demo's open campaign as the outbox would hold it: every invitation
 * rendered with its real survey link, and the reminders that went out a week
 * later to those who had not answered by then. Nothing is due afterwards.
 */
export async function seedDemoOutbox(
  db: Database,
  input: { workspaceId: string; campaignId: string; senderName: string | null; closesAt: Date | null; sentAt: Date; invitations: DemoInvitation[] },
): Promise<void> {
  const ctx = await surveyEmailContext(db, { id: input.campaignId, workspaceId: input.workspaceId, senderName: input.senderName, closesAt: input.closesAt }, emailSettings());
  const message = (row: DemoInvitation, kind: string) => ({
    invitationId: row.invitationId,
    email: row.email,
    name: row.name,
    locale: row.locale,
    token: row.token,
    idempotencyKey: `${kind}:${row.invitationId}${kind === 'reminder' ? ':1' : ''}`,
  });
  await insertSurveyMessages(db, {
    kind: 'invitation',
    ctx,
    transport: 'outbox',
    messages: input.invitations.map((row) => message(row, 'invitation')),
    delivered: { sentAt: input.sentAt },
  });
  const reminded = input.invitations.filter((row) => row.remindedAt);
  if (reminded.length === 0) return;
  const remindedAt = reminded[0]!.remindedAt!;
  await insertSurveyMessages(db, {
    kind: 'reminder',
    ctx,
    transport: 'outbox',
    messages: reminded.map((row) => message(row, 'reminder')),
    delivered: { sentAt: remindedAt },
  });
  await db.execute(sql`update invitations set reminders_sent = 1, last_reminder_at = ${remindedAt.toISOString()}::timestamptz
    where id in (select (value #>> '{}')::uuid from json_array_elements(${jsonParam(reminded.map((row) => row.invitationId))}::json))`);
  await db.execute(sql`update email_messages set created_at = sent_at where campaign_id = ${input.campaignId}`);
}
