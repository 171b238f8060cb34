import type { Database } from '../../db/client.server';
import { reportJob } from '../ops/job-report.server';
import { PollingLoops } from '../ops/polling-loops.server';
import { claimDueDeliveries, defaultDeliveryPolicy, sendDelivery, type DeliveryPolicy } from './deliveries.server';

export interface WebhookSenderOptions extends Partial<DeliveryPolicy> {
  allowPrivate: boolean;
  /** How often to look for due deliveries. */
  pollMs?: number;
  /** Deliveries claimed and sent at once (each to its own endpoint and customer). */
  batch?: number;
  log?: (message: string) => void;
}

/**
 * Works the webhook deliveries (app/webhooks/deliveries.server.ts). Every
 * app process with a worker and every `npm run worker` runs one; they share
 * the queue through the database (`SKIP LOCKED` and leases), so a delivery
 * whose process died is taken over when its lease runs out, with the same
 * event id.
 */
export class WebhookSender {
  private readonly loops = new PollingLoops((error) => this.log(`webhook sender: ${error instanceof Error ? error.message : String(error)}`));
  readonly policy: DeliveryPolicy;

  constructor(
    private readonly db: Database,
    private readonly options: WebhookSenderOptions,
  ) {
    this.policy = { ...defaultDeliveryPolicy, ...options };
  }

  get running(): boolean {
    return this.loops.running;
  }

  start(): this {
    this.loops.start([{ work: () => this.step(), idleMs: this.options.pollMs ?? 1000 }]);
    return this;
  }

  /** Finishes the deliveries in hand and stops. */
  stop(): Promise<void> {
    return this.loops.stop();
  }

  wake(): void {
    this.loops.wake();
  }

  /** Claims and sends one batch; true when there may be more due at once. */
  async step(): Promise<boolean> {
    const limit = this.options.batch ?? 20;
    const claimed = await claimDueDeliveries(this.db, { limit, leaseMs: this.policy.leaseMs });
    if (claimed.length === 0) return false;
    const started = performance.now();
    const results = await Promise.all(claimed.map((delivery) => sendDelivery(this.db, delivery, this.policy)));
    const delivered = results.filter((result) => result.ok).length;
    if (delivered > 0) reportJob({ job: 'webhook-delivery', outcome: 'sent', count: delivered, durationMs: performance.now() - started });
    if (delivered < results.length) reportJob({ job: 'webhook-delivery', outcome: 'retry', count: results.length - delivered, durationMs: performance.now() - started });
    return claimed.length === limit;
  }

  private log(message: string): void {
    (this.options.log ?? console.error)(message);
  }
}
