import { sql } from 'drizzle-orm';
import { Webhook, WebhookVerificationError } from 'svix';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { emailEvents } from '../../db/schema';
import { selectRows } from './sql.server';
import { suppressAddress } from './suppressions.server';

/**
 * Resend's webhook events, as its OpenAPI description's `webhooks:` section
 * shapes them. Only what is acted on is required; the rest is stored as sent.
 */
const webhookEvent = z.object({
  type: z.string().min(1),
  created_at: z.string().min(1),
  data: z.looseObject({
    email_id: z.string().min(1),
    bounce: z.looseObject({ type: z.string() }).optional(),
  }),
});

export type WebhookOutcome =
  | { ok: true; result: 'recorded' | 'duplicate' | 'unknown_message' }
  | { ok: false; status: 400 | 401; error: string };

/**
 * Verifies a delivery of Resend's webhook (Svix signature; the timestamp
 * must be within five minutes) and records it once: a delivery whose
 * `svix-id` was seen before changes nothing.
 */
export async function handleResendWebhook(
  db: Database,
  input: { secret: string; body: string; headers: { id: string | null; timestamp: string | null; signature: string | null } },
): Promise<WebhookOutcome> {
  const { id, timestamp, signature } = input.headers;
  if (!id || !timestamp || !signature) return { ok: false, status: 400, error: 'missing Svix headers' };
  let payload: unknown;
  try {
    payload = new Webhook(input.secret).verify(input.body, { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature });
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      const tooOld = /timestamp/i.test(error.message);
      return { ok: false, status: tooOld ? 400 : 401, error: error.message };
    }
    // svix parses the body after checking the signature: a signed body that is not JSON.
    if (error instanceof SyntaxError) return { ok: false, status: 400, error: 'the body is not JSON' };
    throw error;
  }
  const parsed = webhookEvent.safeParse(payload);
  if (!parsed.success) return { ok: false, status: 400, error: 'not a Resend email event' };
  // The payload is stored as jsonb, which cannot hold a NUL character (`\u0000`).
  if (containsNul(payload)) return { ok: false, status: 400, error: 'the event contains NUL characters, which cannot be stored' };
  return recordEvent(db, id, parsed.data, payload);
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item));
  return false;
}

type ResendEvent = z.infer<typeof webhookEvent>;

async function recordEvent(db: Database, webhookId: string, event: ResendEvent, payload: unknown): Promise<WebhookOutcome> {
  const occurred = new Date(event.created_at);
  const occurredAt = Number.isNaN(occurred.getTime()) ? new Date() : occurred;
  return db.transaction(async (tx) => {
    const [message] = await selectRows<{ id: string; workspace_id: string | null; invitation_id: string | null; to_address: string }>(
      tx,
      sql`select id, workspace_id, invitation_id, to_address from email_messages where provider_id = ${event.data.email_id} limit 1`,
    );
    const inserted = await tx
      .insert(emailEvents)
      .values({ workspaceId: message?.workspace_id ?? null, messageId: message?.id ?? null, webhookId, type: event.type, payload, occurredAt })
      .onConflictDoNothing({ target: emailEvents.webhookId })
      .returning({ id: emailEvents.id });
    if (inserted.length === 0) return { ok: true, result: 'duplicate' } as const;
    if (!message) return { ok: true, result: 'unknown_message' } as const;
    await applyEvent(tx, event, occurredAt, message);
    return { ok: true, result: 'recorded' } as const;
  });
}

async function applyEvent(
  tx: Database,
  event: ResendEvent,
  occurredAt: Date,
  message: { workspace_id: string | null; invitation_id: string | null; to_address: string },
): Promise<void> {
  const at = occurredAt.toISOString();
  const invitation = message.invitation_id;
  const setInvitation = async (assignments: ReturnType<typeof sql>, onlyFrom?: string[]) => {
    if (!invitation) return;
    const guard = onlyFrom ? sql` and status in (${sql.join(onlyFrom.map((s) => sql`${s}`), sql`, `)})` : sql``;
    await tx.execute(sql`update invitations set ${assignments} where id = ${invitation}${guard}`);
  };
  switch (event.type) {
    case 'email.delivered':
      await setInvitation(sql`delivered_at = least(coalesce(delivered_at, ${at}::timestamptz), ${at}::timestamptz)`);
      await setInvitation(sql`status = 'delivered'`, ['queued', 'sent']);
      return;
    case 'email.opened':
    case 'email.clicked':
      // A click is also an open; an invitation counts as opened from the earliest event, whatever the order of arrival.
      await setInvitation(sql`opened_at = least(coalesce(opened_at, ${at}::timestamptz), ${at}::timestamptz)`);
      return;
    case 'email.bounced':
      // Transient bounces (full mailbox) are recorded but do not end the address.
      if (event.data.bounce?.type === 'Transient') return;
      await setInvitation(sql`status = 'bounced'`, ['queued', 'sent', 'delivered']);
      if (message.workspace_id) await suppressAddress(tx, message.workspace_id, message.to_address, 'bounced');
      return;
    case 'email.complained':
      await setInvitation(sql`status = 'complained'`);
      if (message.workspace_id) await suppressAddress(tx, message.workspace_id, message.to_address, 'complained');
      return;
    case 'email.suppressed':
      // Resend refused the address from its own suppression list (an earlier bounce or complaint).
      await setInvitation(sql`status = 'suppressed'`, ['queued', 'sent']);
      if (message.workspace_id) await suppressAddress(tx, message.workspace_id, message.to_address, 'bounced');
      return;
    case 'email.failed':
      await setInvitation(sql`status = 'failed'`, ['queued', 'sent']);
      return;
    default:
      // email.sent, email.delivery_delayed, email.scheduled: kept in email_events only.
      return;
  }
}
