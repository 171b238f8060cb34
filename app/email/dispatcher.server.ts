import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { emailTemplates } from '../../db/schema';
import {
  batchMessages,
  claimDueBatch,
  claimNewBatch,
  deliverToOutbox,
  pendingMessageCount,
  postponeBatch,
  recordBatchFailed,
  recordBatchRetry,
  recordBatchSent,
  type BatchMessage,
  type ClaimedBatch,
} from './queue.server';
import { attachmentsOf } from './attachments.server';
import { resendClient, type EmailTransportClient, type ProviderEmail } from './resend.server';
import type { EmailSettings } from './settings.server';
import { composeEmail } from './templates.server';
import { pauseSending, takeSendSlot } from './throttle.server';
import { PollingLoops } from '../ops/polling-loops.server';
import { reportJob } from '../ops/job-report.server';

export interface DispatcherOptions {
  db: Database;
  settings: Pick<EmailSettings, 'resend' | 'ratePerSecond' | 'leaseSeconds'>;
  /** The provider client; by default the Resend SDK when a key is configured. */
  client?: EmailTransportClient | null;
  /** Work that runs every `tickMs` besides sending: the campaign schedule and reminders. */
  tick?: (db: Database) => Promise<void>;
  tickMs?: number;
  /** Batches in flight at once in this process. */
  lanes?: number;
  pollMs?: number;
  batchSize?: number;
  retryBaseMs?: number;
  maxAttempts?: number;
  /** Test seam: runs after the provider answered and before the answer is recorded. */
  afterSend?: (batch: ClaimedBatch) => Promise<void> | void;
  log?: (message: string) => void;
}

const THROTTLE_KEY = 'resend';

/**
 * Works the send queue: delivers outbox messages, forms batches of up to 100
 * for Resend, keeps to the shared send rate, retries with backoff, and runs
 * the campaign tick. One per app process (unless RUN_WORKER=false) and one
 * per `npm run worker`; they coordinate only through the database.
 */
export class Dispatcher {
  private readonly db: Database;
  private readonly client: EmailTransportClient | null;
  private readonly templates = new Map<string, { html: string; text: string; headers: Record<string, string> }>();
  private readonly loops = new PollingLoops((error) => this.log(`email dispatcher: ${error instanceof Error ? error.message : String(error)}`));

  constructor(private readonly options: DispatcherOptions) {
    this.db = options.db;
    const resend = options.settings.resend;
    this.client = options.client !== undefined ? options.client : resend ? resendClient(resend) : null;
  }

  start(): this {
    const lanes = Math.max(1, this.options.lanes ?? 2);
    const send = { work: () => this.step(), idleMs: this.options.pollMs ?? 1000 };
    const tick = this.options.tick ? [{ work: async () => (await this.runTick(), false), idleMs: this.options.tickMs ?? 5000 }] : [];
    this.loops.start([...Array.from({ length: lanes }, () => send), ...tick]);
    return this;
  }

  /** Whether the dispatcher works the queue (started and not stopped). */
  get running(): boolean {
    return this.loops.running;
  }

  /** Finishes the batches in flight and stops. */
  stop(): Promise<void> {
    return this.loops.stop();
  }

  /** Looks for work now instead of at the next poll (e.g. right after a campaign was confirmed). */
  wake(): void {
    this.loops.wake();
  }

  /**
   * Works until nothing is left to send, waiting for retries that are due
   * later (for tests and benchmarks). Gives up after `timeoutMs`.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    if (this.options.tick) await this.runTick();
    while (Date.now() < until) {
      if (await this.step()) continue;
      if ((await pendingMessageCount(this.db)) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('The send queue did not drain in time.');
  }

  /** One unit of work; false when there was nothing due. */
  async step(): Promise<boolean> {
    const started = performance.now();
    const delivered = await deliverToOutbox(this.db);
    if (delivered > 0) {
      reportJob({ job: 'email-outbox', outcome: 'sent', count: delivered, durationMs: performance.now() - started });
      return true;
    }
    if (!this.client) return false;
    const batch = (await claimDueBatch(this.db, this.options.settings.leaseSeconds)) ?? (await claimNewBatch(this.db, this.options.batchSize ?? 100, this.options.settings.leaseSeconds));
    if (batch === null) return false;
    if (batch !== 'cancelled-only') await this.send(batch, this.client);
    return true;
  }

  private async runTick(): Promise<void> {
    try {
      await this.options.tick?.(this.db);
    } catch (error) {
      this.log(`campaign tick failed: ${String(error)}`);
    }
  }

  private async send(batch: ClaimedBatch, client: EmailTransportClient): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    if (batch.expired) {
      // Resend keeps idempotency keys for 24 hours; after that a repeat could send twice.
      await recordBatchFailed(this.db, batch.id, 'not repeated: the provider may no longer recognise the idempotency key');
      return;
    }
    const started = performance.now();
    const emails = await this.providerEmails(batch.messages ?? (await batchMessages(this.db, batch.id)));
    const report = (outcome: 'sent' | 'retry' | 'failed' | 'postponed') =>
      reportJob({ job: 'email-batch', outcome, count: emails.length, durationMs: performance.now() - started });
    const wait = await takeSendSlot(this.db, THROTTLE_KEY, this.options.settings.ratePerSecond);
    // A long wait (the provider asked us to pause) would outlast the lease: give the batch back instead.
    if (wait > Math.min(10_000, (this.options.settings.leaseSeconds * 1000) / 3)) {
      await postponeBatch(this.db, batch.id, wait / 1000);
      report('postponed');
      return;
    }
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const result = await client.sendBatch(emails.map((email) => email.payload), batch.idempotencyKey);
    await this.options.afterSend?.(batch);
    if (result.ok) {
      await recordBatchSent(this.db, batch.id, batch.attempts, emails.map((email, i) => ({ id: email.id, providerId: result.ids[i]! })));
      report('sent');
      return;
    }
    if (result.status === 429) await pauseSending(this.db, THROTTLE_KEY, result.retryAfterSeconds ?? 1);
    if (!result.retryable || batch.attempts >= maxAttempts) {
      this.log(`email batch ${batch.id} failed after ${batch.attempts} attempts: ${result.error}`);
      await recordBatchFailed(this.db, batch.id, result.error);
      report('failed');
      return;
    }
    const base = (this.options.retryBaseMs ?? 2000) / 1000;
    const backoff = Math.min(base * 2 ** (batch.attempts - 1), 900) * (0.75 + Math.random() * 0.5);
    await recordBatchRetry(this.db, batch.id, result.error, Math.max(backoff, result.retryAfterSeconds ?? 0));
    report('retry');
  }

  private async providerEmails(messages: BatchMessage[]): Promise<Array<{ id: string; payload: ProviderEmail }>> {
    const missing = [...new Set(messages.map((m) => m.template_id).filter((id): id is string => !!id && !this.templates.has(id)))];
    if (missing.length > 0) {
      const rows = await this.db.select().from(emailTemplates).where(inArray(emailTemplates.id, missing));
      // Templates never change once stored, so they can be kept for the life of the process.
      for (const row of rows) this.templates.set(row.id, { html: row.html, text: row.text, headers: row.headers });
    }
    // Survey emails never carry files; only the others are looked up (one query per batch at most).
    const files = await attachmentsOf(
      this.db,
      messages.filter((message) => message.kind !== 'invitation' && message.kind !== 'reminder').map((message) => message.id),
    );
    return messages.map((message) => {
      const composed = composeEmail({ ...message, template: message.template_id ? this.templates.get(message.template_id)! : null });
      const tags = [{ name: 'kind', value: message.kind }];
      const attachments = files.get(message.id)?.map(({ messageId: _message, ...file }) => file);
      return { id: message.id, payload: { ...composed, from: message.from_address, to: message.to_address, tags, ...(attachments ? { attachments } : {}) } };
    });
  }

  private log(message: string): void {
    (this.options.log ?? console.error)(message);
  }
}

// The server entry and the Remix build are separate module graphs; a global is
// the one place both see, so routes can wake the process's dispatcher.
declare global {
  // eslint-disable-next-line no-var
  var __wouldmissDispatcher: Dispatcher | undefined;
}

export function setProcessDispatcher(dispatcher: Dispatcher | undefined): void {
  globalThis.__wouldmissDispatcher = dispatcher;
}

/** Wakes this process's dispatcher, if it runs one; separate workers poll on their own. */
export function wakeDispatcher(): void {
  globalThis.__wouldmissDispatcher?.wake();
}
