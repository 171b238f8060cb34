import { render } from '@react-email/render';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { ReactElement } from 'react';
import type { Database } from '../../db/client.server';
import { emailMessages, type EmailKind } from '../../db/schema';
import { env } from '../config/env.server';

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
}

function fromAddress(fromName?: string): string {
  const configured = env().EMAIL_FROM;
  if (!fromName) return configured;
  const address = /<([^>]+)>/.exec(configured)?.[1] ?? configured;
  return `${fromName.replace(/["<>\r\n]/g, '')} <${address}>`;
}

/**
 * Renders a React Email template (HTML and plain text) and stores the message
 * in the local outbox. Returns the message id, or the existing id when the
 * idempotency key was used before.
 */
export async function queueEmail(db: Database, email: OutgoingEmail): Promise<{ id: string; duplicate: boolean }> {
  const [html, text] = await Promise.all([render(email.body), render(email.body, { plainText: true })]);
  // Until the Resend transport lands, every message goes to the local outbox.
  const transport = 'outbox' as const;
  const inserted = await db
    .insert(emailMessages)
    .values({
      workspaceId: email.workspaceId,
      kind: email.kind,
      invitationId: email.invitationId,
      idempotencyKey: email.idempotencyKey,
      fromAddress: fromAddress(email.fromName),
      toAddress: email.to,
      subject: email.subject,
      html,
      text,
      headers: email.headers ?? {},
      link: email.link,
      transport,
      status: 'sent',
      sentAt: sql`now()`,
    })
    .onConflictDoNothing({ target: emailMessages.idempotencyKey })
    .returning({ id: emailMessages.id });
  if (inserted[0]) return { id: inserted[0].id, duplicate: false };
  const [existing] = await db
    .select({ id: emailMessages.id })
    .from(emailMessages)
    .where(eq(emailMessages.idempotencyKey, email.idempotencyKey));
  return { id: existing!.id, duplicate: true };
}

export interface OutboxEntry {
  id: string;
  kind: EmailKind;
  to: string;
  subject: string;
  link: string | null;
  createdAt: Date;
}

/**
 * Messages held in the local outbox, newest first: one workspace's, or every
 * message when no workspace is given (the command line).
 */
export async function listOutbox(db: Database, options: { workspaceId?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
  return db
    .select({
      id: emailMessages.id,
      kind: emailMessages.kind,
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
      ),
    )
    .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
    .limit(options.limit ?? 100);
}

/** One stored message with its bodies, scoped to a workspace. */
export async function getOutboxMessage(db: Database, workspaceId: string, id: string) {
  const rows = await db
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.id, id), eq(emailMessages.workspaceId, workspaceId)));
  return rows[0] ?? null;
}
