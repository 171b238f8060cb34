import { createHash, randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
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
 * The due messages of one transport, up to `limit`, locked (SKIP LOCKED) and
 * each with its cancel reason. `offset 0` keeps the reason a column computed
 * once per row: without it the planner copies the CASE with its four
 * sub-selects into every place that reads it (four times per row, and about
 * ten times the planning time).
 */
function dueMessages(transport: EmailTransport, limit: number): SQL {
  return sql`select m.id, ${cancelReason} as reason
    from (select id from email_messages
          where status = 'queued' and transport = ${transport} and next_attempt_at <= now()
          order by priority, next_attempt_at limit ${limit} for update skip locked) due
    join email_messages m on m.id = due.id
    offset 0`;
}

/** Invitation messages that were cancelled for a suppressed address leave their invitation `suppressed`. */
const suppressInvitations = sql`update invitations set status = 'suppressed'
  where id in (select invitation_id from claimed where reason = 'suppressed' and kind = 'invitation' and invitation_id is not null)
    and status = 'queued'`;

/**
 * The local outbox transport: due messages are "delivered" by being kept.
 * One statement per chunk claims them (or cancels them), and marks their
 * invitations sent and delivered, as the outbox stands in for the mailbox.
 * Returns how many messages were handled.
 */
export async function deliverToOutbox(db: Database, limit = 500): Promise<number> {
  if (!(await anyDue(db, 'outbox'))) return 0;
  const rows = await selectRows<{ n: number }>(
    db,
    sql`with v as (${dueMessages('outbox', limit)}),
      claimed as (
        update email_messages m set
          status = case when v.reason is null then 'sent' else 'cancelled' end,
          last_error = v.reason,
          sent_at = case when v.reason is null then now() end,
          attempts = m.attempts + case when v.reason is null then 1 else 0 end
        from v where m.id = v.id
        returning m.id, m.kind, m.invitation_id, v.reason),
      suppressed as (${suppressInvitations}),
      delivered as (
        update invitations i set status = 'delivered', sent_at = coalesce(i.sent_at, now()), delivered_at = coalesce(i.delivered_at, now())
        from claimed c where c.reason is null and c.kind = 'invitation' and i.id = c.invitation_id and i.status = 'queued')
      select count(*)::int as n from claimed`,
  );
  return Number(rows[0]?.n ?? 0);
}

export interface ClaimedBatch {
  id: string;
  idempotencyKey: string;
  attempts: number;
  /** The first attempt was so long ago that the provider may have forgotten the key. */
  expired: boolean;
  /** The batch's messages in their fixed order, when the claim already read them (a new batch). */
  messages?: BatchMessage[];
}

/**
 * The provider's request key for a batch: derived from its messages' own keys, so it names exactly those messages.
 * `claimNewBatch` computes the same in SQL (keys are ASCII, so JavaScript's and collation "C"'s orders agree).
 */
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

const messageColumns = sql`m.id, m.kind, m.workspace_id, m.from_address, m.to_address, m.subject, m.html, m.text, m.headers, m.variables, m.template_id`;

/**
 * Forms a new batch of up to `size` queued messages for the provider. The
 * batch, its membership and its key are committed before anything is sent,
 * all in one statement: the messages are claimed (or cancelled), the batch
 * row with its key is written, and the members come back in their fixed
 * order, so the first attempt needs no further query.
 */
export async function claimNewBatch(db: Database, size: number, leaseSeconds: number): Promise<ClaimedBatch | 'cancelled-only' | null> {
  const id = randomUUID();
  const rows = await selectRows<BatchMessage & { idempotency_key: string; reason: string | null; batch_key: string | null }>(
    db,
    sql`with v as (${dueMessages('resend', size)}),
      claimed as (
        update email_messages m set
          status = case when v.reason is null then 'sending' else 'cancelled' end,
          batch_id = case when v.reason is null then ${id}::uuid end,
          last_error = v.reason
        from v where m.id = v.id
        returning ${messageColumns}, m.invitation_id, m.idempotency_key, v.reason),
      batch as (
        insert into email_batches (id, idempotency_key, message_count, attempts, locked_until, first_attempt_at)
        select ${id}::uuid,
          'wm-batch-' || encode(sha256(convert_to(string_agg(idempotency_key, E'\n' order by idempotency_key collate "C"), 'UTF8')), 'hex'),
          count(*), 1, now() + make_interval(secs => ${leaseSeconds}), now()
        from claimed where reason is null
        having count(*) > 0
        returning idempotency_key),
      suppressed as (${suppressInvitations})
      select c.*, (select idempotency_key from batch) as batch_key from claimed c order by c.idempotency_key`,
  );
  if (rows.length === 0) return null;
  const members = rows.filter((row) => row.reason === null);
  const key = members[0]?.batch_key;
  if (!key) return 'cancelled-only';
  const messages = members.map(({ idempotency_key: _key, reason: _reason, batch_key: _batch, ...message }) => message);
  return { id, idempotencyKey: key, attempts: 1, expired: false, messages };
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
  return selectRows<BatchMessage>(db, sql`select ${messageColumns} from email_messages m where m.batch_id = ${batchId} order by m.idempotency_key`);
}

/**
 * A survey message whose campaign closed while its batch was in flight keeps
 * its clear token only until the batch's outcome is recorded (the close
 * removed all others, see app/campaigns/survey-tokens.server.ts): a retry
 * must send the same bytes, nothing needs the token afterwards.
 */
const closedSurveyMessage = sql`m.kind in ('invitation', 'reminder') and exists (
    select 1 from campaigns c where c.id = m.campaign_id and c.status = 'closed')`;
const variablesAfterSend = sql`case when ${closedSurveyMessage} then m.variables - 'token' else m.variables end`;
const linkAfterSend = sql`case when ${closedSurveyMessage} then null else m.link end`;

/**
 * Records the provider's ids; the messages, their batch and their
 * invitations are sent. One statement; harmless to repeat.
 */
export async function recordBatchSent(db: Database, batchId: string, attempts: number, sent: Array<{ id: string; providerId: string }>): Promise<void> {
  await db.execute(sql`with sent as (
      update email_messages m set status = 'sent', provider_id = v.provider_id, sent_at = coalesce(m.sent_at, now()),
        attempts = ${attempts}, last_error = null, variables = ${variablesAfterSend}, link = ${linkAfterSend}
      from json_to_recordset(${jsonParam(sent.map((row) => ({ id: row.id, provider_id: row.providerId })))}::json) as v(id uuid, provider_id text)
      where m.id = v.id and m.batch_id = ${batchId}
      returning m.kind, m.invitation_id),
    batch as (
      update email_batches set status = 'sent', sent_at = coalesce(sent_at, now()), locked_until = null, last_error = null
      where id = ${batchId})
    update invitations i set status = 'sent', sent_at = coalesce(i.sent_at, now())
    from sent where sent.kind = 'invitation' and i.id = sent.invitation_id and i.status = 'queued'`);
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
    await tx.execute(sql`update email_messages m set status = 'failed', last_error = ${error},
      variables = ${variablesAfterSend}, link = ${linkAfterSend} where m.batch_id = ${batchId}`);
    await tx.execute(sql`update invitations i set status = 'failed' from email_messages m
      where m.batch_id = ${batchId} and m.kind = 'invitation' and i.id = m.invitation_id and i.status = 'queued'`);
  });
}

/** Messages still to be sent (queued now or later, or in a batch in flight). */
export async function pendingMessageCount(db: Database): Promise<number> {
  const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from email_messages where status in ('queued', 'sending')`);
  return Number(row?.n ?? 0);
}
