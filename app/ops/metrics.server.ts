import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';

/**
 * The figures an operator watches, in Prometheus's text format: requests and
 * their durations per route pattern, the send queue's depth, emails sent and
 * failed. Counters are per process; Prometheus adds up the processes.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'wouldmiss_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
  private readonly durations = new Histogram({
    name: 'wouldmiss_http_request_duration_seconds',
    help: 'HTTP request durations by route pattern and method',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly emails = new Counter({ name: 'wouldmiss_emails_total', help: 'Emails handed to the provider or the outbox (sent), or given up (failed)', labelNames: ['outcome'], registers: [this.registry] });

  constructor(db: Database) {
    new Gauge({
      name: 'wouldmiss_email_queue_depth',
      help: 'Emails waiting to be sent',
      registers: [this.registry],
      async collect() {
        const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from email_messages where status = 'queued'`);
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: 'wouldmiss_email_oldest_queued_seconds',
      help: 'Age of the oldest email waiting to be sent',
      registers: [this.registry],
      async collect() {
        this.set(await oldestQueuedSeconds(db));
      },
    });
  }

  recordRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.durations.observe({ route, method }, seconds);
  }

  recordEmails(outcome: 'sent' | 'failed', count: number): void {
    if (count > 0) this.emails.inc({ outcome }, count);
  }
}

/** Seconds since the oldest queued email was queued; 0 when none waits. */
export async function oldestQueuedSeconds(db: Database): Promise<number> {
  const [row] = await selectRows<{ age: number | null }>(
    db,
    sql`select extract(epoch from now() - min(created_at))::float8 as age from email_messages where status = 'queued'`,
  );
  return Math.max(0, Number(row?.age ?? 0));
}
