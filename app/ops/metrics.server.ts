import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import type { PoolUsage } from '../../db/pool-usage';

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

  constructor(db: Database, usage?: PoolUsage) {
    if (usage) registerPoolMetrics(this.registry, usage);
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

/**
 * Database pool use of this process (decision 0021): connections in use and
 * idle of the pool's maximum, what waits for one, and the busy time. With
 * PGlite the one connection is the pool, and waiting means queued behind it.
 */
function registerPoolMetrics(registry: Registry, usage: PoolUsage): void {
  new Gauge({
    name: 'wouldmiss_db_connections',
    help: 'Database connections of this process by state: in_use (carrying a query or transaction) or idle (free of the pool maximum)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const now = usage.snapshot();
      this.set({ state: 'in_use' }, now.inUse);
      this.set({ state: 'idle' }, now.max - now.inUse);
    },
  });
  new Gauge({
    name: 'wouldmiss_db_connections_max',
    help: 'Database connections this process may hold (1 for PGlite)',
    registers: [registry],
    collect() {
      this.set(usage.snapshot().max);
    },
  });
  new Gauge({
    name: 'wouldmiss_db_waiting',
    help: 'Queries and transactions waiting for a database connection',
    registers: [registry],
    collect() {
      this.set(usage.snapshot().waiting);
    },
  });
  new Counter({
    name: 'wouldmiss_db_busy_seconds_total',
    help: 'Seconds during which at least one database connection of this process was in use',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(usage.snapshot().busySeconds);
    },
  });
}
