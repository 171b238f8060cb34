import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import type { EmailKind, EmailTransport } from '../../db/schema';
import { jsonParam, selectRows } from './sql.server';

/**
 * The send queue's SQL. Messages are claimed with FOR UPDATE SKIP LOCKED, so
 * any number of processes can work the queue side by side; see
 * docs/decisions/0009-email-queue.md and 0010-exactly-once-email.md.
 */

/**
 * Why a queued survey email must not go out any more, or null. Checked when
 * a message is claimed, so an unsubscribe, a bounce or a completed survey
 * stops every later message to that person.
 */
const cancelReason = sql`case
  when m.kind not in ('invitation', 'reminder') then null
  when exists (select 1 from suppressions s where s.workspace_id = m.workspace_id and s.email = lower(m.to_address)) then 'suppressed'
  when exists (select 1 from campaigns c where c.id = m.campaign_id and (c.status = 'closed' or c.closes_at <= now())) then 'campaign closed'
  when m.kind = 'reminder' and exists (
    select 1 from responses r where r.invitation_id = m.invitation_id and r.status = 'completed') then 'survey completed'
  when m.kind = 'reminder' and exists (
    select 1 from invitations i where i.id = m.invitation_id
      and (i.unsubscribed_at is not null or i.status in ('bounced', 'complained', 'failed'))) then 'not deliverable'
end`;

/** Whether any message of a transport is due; an idle queue costs one index probe, not a transaction. */
async function anyDue(db: Database, transport: EmailTransport): Promise<boolean> {
  const rows = await selectRows<{ id: string }>(
    db,
    sql`select id from email_messages where status = 'queued' and transport = ${transport} and next_attempt_at <= now() limit 1`,
  );
  return rows.length > 0;
}

interface ClaimedRow {
  id: string;
  kind: EmailKind;
  invitation_id: string | null;
  idempotency_key: string;
  reason: string | null;
}

/**
 * Claims up to `limit` due messages of one transport inside the caller's
 * transaction: messages that must not go out become `cancelled`, the others
 * `target`. Returns the claimed rows with their verdict.
 */
async function claimDue(tx: Database, transport: EmailTransport, limit: number, target: 'sending' | 'sent', batchId: string | null = null): Promise<ClaimedRow[]> {
  const rows = await selectRows<ClaimedRow>(
    tx,
    sql`update email_messages m set
        status = case when v.reason is null then ${target} else 'cancelled' end,
        batch_id = case when v.reason is null then ${batchId}::uuid end,
        last_error = v.reason,
        sent_at = case when v.reason is null and ${target} = 'sent' then now() end,
        attempts = m.attempts + case when v.reason is null and ${target} = 'sent' then 1 else 0 end
      from (
        select m.id, ${cancelReason} as reason
        from (select id from email_messages
              where status = 'queued' and transport = ${transport} and next_attempt_at <= now()
              order by priority, next_attempt_at limit ${limit} for update skip locked) due
        join email_messages m on m.id = due.id
      ) v
      where m.id = v.id
      returning m.id, m.kind, m.invitation_id, m.idempotency_key, v.reason`,
  );
  const suppressed = rows.filter((row) => row.reason === 'suppressed' && row.kind === 'invitation' && row.invitation_id);
  if (suppressed.length > 0) {
    await tx.execute(sql`update invitations set status = 'suppressed'
      where id in (select (value #>> '{}')::uuid from json_array_elements(${jsonParam(suppressed.map((row) => row.invitation_id))}::json))
        and status = 'queued'`);
  }
  return rows;
}

/**
 * Marks the invitations of sent invitation messages as sent. The local outbox
 * stands in for the recipient's mailbox, so there a message is also delivered.
 */
async function markInvitationsSent(tx: Database, messageIds: string[], delivered = false): Promise<void> {
  if (messageIds.length === 0) return;
  const status = delivered ? 'delivered' : 'sent';
  await tx.execute(sql`update invitations i set status = ${status}, sent_at = coalesce(i.sent_at, now()),
      delivered_at = case when ${delivered} then coalesce(i.delivered_at, now()) else i.delivered_at end
    from email_messages m
    where m.id in (select (value #>> '{}')::uuid from json_array_elements(${jsonParam(messageIds)}::json))
      and m.kind = 'invitation' and i.id = m.invitation_id and i.status = 'queued'`);
}

/**
 * The local outbox transport: due messages are "delivered" by being kept,
 * which is one UPDATE per chunk. Returns how many messages were handled.
 */
export async function deliverToOutbox(db: Database, limit = 500): Promise<number> {
  if (!(await anyDue(db, 'outbox'))) return 0;
  return db.transaction(async (tx) => {
    const rows = await claimDue(tx, 'outbox', limit, 'sent');
    await markInvitationsSent(tx, rows.filter((row) => row.reason === null).map((row) => row.id), true);
    return rows.length;
  });
}

export interface ClaimedBatch {
  id: string;
  idempotencyKey: string;
  attempts: number;
  /** The first attempt was so long ago that the provider may have forgotten the key. */
  expired: boolean;
}

/** The provider's request key for a batch: derived from its messages' own keys, so it names exactly those messages. */
export function batchIdempotencyKey(messageKeys: string[]): string {
  const digest = createHash('sha256').update([...messageKeys].sort().join('\n')).digest('hex');
  return `wm-batch-${digest}`;
}

/**
 * Takes over a batch that is due again: a retry after an error, or one whose
 * process died (its lease ran out). The batch keeps its messages and its key.
 */
export async function claimDueBatch(db: Database, leaseSeconds: number): Promise<ClaimedBatch | null> {
  const [row] = await selectRows<{ id: string; idempotency_key: string; attempts: number; expired: boolean }>(
    db,
    sql`update email_batches b set locked_until = now() + make_interval(secs => ${leaseSeconds}),
        attempts = b.attempts + 1, first_attempt_at = coalesce(b.first_attempt_at, now())
      where b.id = (select id from email_batches
        where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until < now())
        order by next_attempt_at limit 1 for update skip locked)
      returning b.id, b.idempotency_key, b.attempts, b.first_attempt_at < now() - interval '23 hours' as expired`,
  );
  return row ? { id: row.id, idempotencyKey: row.idempotency_key, attempts: row.attempts, expired: row.expired } : null;
}

/**
 * Forms a new batch of up to `size` queued messages for the provider. The
 * batch, its membership and its key are committed before anything is sent.
 */
export async function claimNewBatch(db: Database, size: number, leaseSeconds: number): Promise<ClaimedBatch | 'cancelled-only' | null> {
  if (!(await anyDue(db, 'resend'))) return null;
  return db.transaction(async (tx) => {
    // The batch row comes first, so each message is claimed and assigned in one UPDATE; its key follows once the members are known.
    const id = randomUUID();
    await tx.execute(sql`insert into email_batches (id, idempotency_key, message_count, attempts, locked_until, first_attempt_at)
      values (${id}, ${`claiming:${id}`}, 0, 1, now() + make_interval(secs => ${leaseSeconds}), now())`);
    const rows = await claimDue(tx, 'resend', size, 'sending', id);
    const members = rows.filter((row) => row.reason === null);
    if (members.length === 0) {
      await tx.execute(sql`delete from email_batches where id = ${id}`);
      return rows.length === 0 ? null : ('cancelled-only' as const);
    }
    const idempotencyKey = batchIdempotencyKey(members.map((row) => row.idempotency_key));
    await tx.execute(sql`update email_batches set idempotency_key = ${idempotencyKey}, message_count = ${members.length} where id = ${id}`);
    return { id, idempotencyKey, attempts: 1, expired: false };
  });
}

export interface BatchMessage {
  id: string;
  kind: EmailKind;
  workspace_id: string | null;
  from_address: string;
  to_address: string;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  variables: Record<string, string> | null;
  template_id: string | null;
}

/** A batch's messages in their fixed order (by idempotency key), so every attempt sends the same request body. */
export async function batchMessages(db: Database, batchId: string): Promise<BatchMessage[]> {
  return selectRows<BatchMessage>(
    db,
    sql`select id, kind, workspace_id, from_address, to_address, subject, html, text, headers, variables, template_id
      from email_messages where batch_id = ${batchId} order by idempotency_key`,
  );
}

/** Records the provider's ids; the messages are sent. Harmless to repeat. */
export async function recordBatchSent(db: Database, batchId: string, attempts: number, sent: Array<{ id: string; providerId: string }>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`update email_messages m set status = 'sent', provider_id = v.provider_id, sent_at = coalesce(m.sent_at, now()),
        attempts = ${attempts}, last_error = null
      from json_to_recordset(${jsonParam(sent.map((row) => ({ id: row.id, provider_id: row.providerId })))}::json) as v(id uuid, provider_id text)
      where m.id = v.id and m.batch_id = ${batchId}`);
    await tx.execute(sql`update email_batches set status = 'sent', sent_at = coalesce(sent_at, now()), locked_until = null, last_error = null
      where id = ${batchId}`);
    await markInvitationsSent(tx, sent.map((row) => row.id));
  });
}

/** A retryable error: the batch is due again after `delaySeconds`, with the same messages and key. */
export async function recordBatchRetry(db: Database, batchId: string, error: string, delaySeconds: number): Promise<void> {
  await db.execute(sql`update email_batches set locked_until = null, last_error = ${error},
      next_attempt_at = now() + make_interval(secs => ${delaySeconds}::float8)
    where id = ${batchId} and status = 'pending'`);
}

/**
 * Gives a claimed batch back unsent, due again after `delaySeconds`: the
 * shared send rate is booked out (e.g. after a 429). Not counted as an attempt.
 */
export async function postponeBatch(db: Database, batchId: string, delaySeconds: number): Promise<void> {
  await db.execute(sql`update email_batches set locked_until = null, attempts = greatest(attempts - 1, 0),
      next_attempt_at = now() + make_interval(secs => ${delaySeconds}::float8)
    where id = ${batchId} and status = 'pending'`);
}

/** A final error: the messages failed and are not tried again. */
export async function recordBatchFailed(db: Database, batchId: string, error: string): Promise<void> {
  await db.transaction(async (tx) => {
    const updated = await selectRows<{ id: string }>(
      tx,
      sql`update email_batches set status = 'failed', locked_until = null, last_error = ${error}
        where id = ${batchId} and status = 'pending' returning id`,
    );
    if (updated.length === 0) return;
    await tx.execute(sql`update email_messages set status = 'failed', last_error = ${error} where batch_id = ${batchId}`);
    await tx.execute(sql`update invitations i set status = 'failed' from email_messages m
      where m.batch_id = ${batchId} and m.kind = 'invitation' and i.id = m.invitation_id and i.status = 'queued'`);
  });
}

/** Messages still to be sent (queued now or later, or in a batch in flight). */
export async function pendingMessageCount(db: Database): Promise<number> {
  const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from email_messages where status in ('queued', 'sending')`);
  return Number(row?.n ?? 0);
}
