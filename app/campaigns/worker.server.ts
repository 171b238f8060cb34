import type { Database } from '../../db/client.server';
import { Dispatcher, type DispatcherOptions } from '../email/dispatcher.server';
import type { EmailSettings } from '../email/settings.server';
import { deleteExpiredRateLimits } from '../auth/rate-limit.server';
import { purgeUnconfirmedUploads } from '../customers/import-jobs.server';
import { webhookConfig } from '../webhooks/config.server';
import { WebhookSender, type WebhookSenderOptions } from '../webhooks/sender.server';
import { campaignTick } from './lifecycle.server';

/** How often a worker clears out expired rate-limit counters and unconfirmed uploads. */
export const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Deletes what nobody needs any more: rate-limit counters that ran out (they
 * keep every email address typed into the login) and uploads nobody
 * confirmed within a day. Idempotent, so several workers may run it.
 */
export async function housekeeping(db: Database): Promise<{ rateLimits: number; uploads: number }> {
  return { rateLimits: await deleteExpiredRateLimits(db), uploads: await purgeUnconfirmedUploads(db) };
}

/**
 * The email worker: the send queue plus the campaign clock, housekeeping and
 * the webhook deliveries. The app process runs one (unless RUN_WORKER=false),
 * `npm run worker` runs one more. `webhooks: false` leaves webhooks to others.
 */
export function createEmailWorker(
  db: Database,
  settings: EmailSettings,
  options: Partial<DispatcherOptions> & { housekeepingMs?: number; webhooks?: WebhookSenderOptions | false } = {},
): Dispatcher {
  const { housekeepingMs = HOUSEKEEPING_INTERVAL_MS, webhooks, ...dispatcherOptions } = options;
  let lastHousekeeping = 0;
  const webhookSender = webhooks === false ? null : new WebhookSender(db, webhooks ?? { allowPrivate: webhookConfig().allowPrivate });
  return new EmailWorker(webhookSender, {
    db,
    settings,
    tick: async (database) => {
      await campaignTick(database, settings);
      if (Date.now() - lastHousekeeping >= housekeepingMs) {
        lastHousekeeping = Date.now();
        await housekeeping(database);
      }
    },
    // Without a rate limit, more batches in flight keep the provider busy.
    lanes: settings.ratePerSecond > 0 ? 2 : 4,
    ...dispatcherOptions,
  });
}

/** The dispatcher with the webhook sender beside it: started, woken and stopped together. */
class EmailWorker extends Dispatcher {
  constructor(
    private readonly webhookSender: WebhookSender | null,
    options: DispatcherOptions,
  ) {
    super(options);
  }

  override start(): this {
    super.start();
    this.webhookSender?.start();
    return this;
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), this.webhookSender?.stop()]);
  }
}
