import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ReactElement } from 'react';
import type { Database } from '../../db/client.server';
import { emailAttachments, emailMessages, emailTemplates, type EmailKind, type EmailStatus, type EmailTransport } from '../../db/schema';
import { wakeDispatcher } from './dispatcher.server';
import { emailSettings, fromAddress } from './settings.server';
import { composeEmail, renderEmail } from './templates.server';

export interface OutgoingEmail {
  kind: EmailKind;
  workspaceId: string | null;
  to: string;
  /** Display name before the configured sender address, e.g. the workspace's name. */
  fromName?: string;
  subject: string;
  body: ReactElement;
  /** Same key, same message: a second call with it stores nothing new. */
  idempotencyKey: string;
  link?: string;
  invitationId?: string;
  headers?: Record<string, string>;
  /** Files sent along; one with a `contentId` is shown in the HTML where it says `cid:<contentId>`. */
  attachments?: OutgoingAttachment[];
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  contentId?: string;
  content: Buffer;
}

/**
 * Renders a React Email template (HTML and plain text) and stores the
 * message: in the local outbox without a Resend key, else in the send queue
 * for the dispatcher. Returns the message id, or the existing id when the
 * idempotency key was used before.
 */
export async function queueEmail(
  db: Database,
  email: OutgoingEmail,
  options: { transport?: EmailTransport } = {},
): Promise<{ id: string; duplicate: boolean }> {
  const { html, text } = await renderEmail(email.body);
  const settings = emailSettings();
  const transport = options.transport ?? settings.transport;
  // A message for the local outbox has arrived once it is stored.
  const delivered = transport === 'outbox';
  const insertMessage = (tx: Database) =>
    tx
      .insert(emailMessages)
      .values({
        workspaceId: email.workspaceId,
        kind: email.kind,
        invitationId: email.invitationId,
        idempotencyKey: email.idempotencyKey,
        fromAddress: fromAddress(settings.from, email.fromName),
        toAddress: email.to,
        subject: email.subject,
        html,
        text,
        headers: email.headers ?? {},
        link: email.link,
        transport,
        // Messages people wait for (team invitations, password resets) go before campaign emails.
        priority: email.kind === 'invitation' || email.kind === 'reminder' ? 1 : 0,
        status: delivered ? 'sent' : 'queued',
        sentAt: delivered ? sql`now()` : null,
      })
      .onConflictDoNothing({ target: emailMessages.idempotencyKey })
      .returning({ id: emailMessages.id });
  const attachments = email.attachments ?? [];
  // The message and its attachments commit together: a dispatcher never claims a message whose files are not there yet.
  const inserted =
    attachments.length === 0
      ? await insertMessage(db)
      : await db.transaction(async (tx) => {
          const rows = await insertMessage(tx);
          if (rows[0]) {
            await tx.insert(emailAttachments).values(
              attachments.map((file, position) => ({
                messageId: rows[0]!.id,
                position,
                filename: file.filename,
                contentType: file.contentType,
                contentId: file.contentId ?? null,
                contentBase64: file.content.toString('base64'),
              })),
            );
          }
          return rows;
        });
  if (inserted[0]) {
    if (!delivered) wakeDispatcher();
    return { id: inserted[0].id, duplicate: false };
  }
  const [existing] = await db
    .select({ id: emailMessages.id })
    .from(emailMessages)
    .where(eq(emailMessages.idempotencyKey, email.idempotencyKey));
  return { id: existing!.id, duplicate: true };
}

export interface OutboxEntry {
  id: string;
  kind: EmailKind;
  status: EmailStatus;
  to: string;
  subject: string;
  link: string | null;
  createdAt: Date;
}

/**
 * Messages held in the local outbox, newest first: one workspace's, or every
 * message when no workspace is given (the command line).
 */
export async function listOutbox(
  db: Database,
  options: { workspaceId?: string; campaignId?: string; kinds?: readonly EmailKind[]; limit?: number } = {},
): Promise<OutboxEntry[]> {
  return db
    .select({
      id: emailMessages.id,
      kind: emailMessages.kind,
      status: emailMessages.status,
      to: emailMessages.toAddress,
      subject: emailMessages.subject,
      link: emailMessages.link,
      createdAt: emailMessages.createdAt,
    })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.transport, 'outbox'),
        options.workspaceId ? eq(emailMessages.workspaceId, options.workspaceId) : undefined,
        options.campaignId ? eq(emailMessages.campaignId, options.campaignId) : undefined,
        options.kinds ? inArray(emailMessages.kind, [...options.kinds]) : undefined,
      ),
    )
    .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
    .limit(options.limit ?? 100);
}

/**
 * Which messages a member may read in the outbox. Marketing sees the survey
 * emails it sends; team invitations and password resets carry links that let
 * someone join or take over an account, so only owners see those.
 */
export function outboxKindsFor(role: 'owner' | 'marketing'): readonly EmailKind[] | undefined {
  return role === 'owner' ? undefined : ['invitation', 'reminder'];
}

/**
 * One message of the local outbox, scoped to a workspace (and to some kinds),
 * with the exact subject, bodies and headers it is sent with. Messages sent
 * through a provider are not shown: their survey links reached a customer, and
 * a member who could read them could change that customer's answers. In the
 * local outbox nothing reaches a customer, so the link is the only way to
 * open the survey (docs/decisions/0030-survey-tokens-after-close.md).
 */
export async function getOutboxMessage(db: Database, workspaceId: string, id: string, kinds?: readonly EmailKind[]) {
  const rows = await db
    .select({ message: emailMessages, template: emailTemplates })
    .from(emailMessages)
    .leftJoin(emailTemplates, eq(emailTemplates.id, emailMessages.templateId))
    .where(
      and(
        eq(emailMessages.id, id),
        eq(emailMessages.workspaceId, workspaceId),
        eq(emailMessages.transport, 'outbox'),
        kinds ? inArray(emailMessages.kind, [...kinds]) : undefined,
      ),
    );
  const row = rows[0];
  if (!row) return null;
  // A closed campaign's messages no longer hold their token: their links lead to the survey's "link not valid" page.
  const variables = row.message.variables && !('token' in row.message.variables) && row.message.campaignId ? { ...row.message.variables, token: 'closed' } : row.message.variables;
  const composed = composeEmail({ ...row.message, variables, template: row.template });
  return { ...row.message, ...composed };
}

/**
 * The subject and bodies of stored messages as they were sent, by id. Campaign
 * messages keep only a template and their values (html/text are null in the
 * row), so anything showing or exporting a message body should use this.
 */
export async function composedMessages(db: Database, ids: string[]): Promise<Map<string, { subject: string; html: string; text: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ message: emailMessages, template: emailTemplates })
    .from(emailMessages)
    .leftJoin(emailTemplates, eq(emailTemplates.id, emailMessages.templateId))
    .where(inArray(emailMessages.id, ids));
  return new Map(
    rows.map((row) => {
      const { subject, html, text } = composeEmail({ ...row.message, template: row.template });
      return [row.message.id, { subject, html, text }];
    }),
  );
}
