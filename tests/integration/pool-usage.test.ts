import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppMetrics } from '../../app/ops/metrics.server';
import type { PoolUsage, PoolUsageSnapshot } from '../../db/pool-usage';
import { createTestDatabase, testDriver } from '../support/db';

// Pool use in /metrics (decision 0021): counted around the driver's calls on
// the run's driver. PostgreSQL test databases have a pool of 4 connections;
// PGlite has its one.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

const metricValue = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} ([\\d.e+-]+)$`, 'm').exec(text)?.[1]);

async function waitForSnapshot(usage: PoolUsage, ready: (snapshot: PoolUsageSnapshot) => boolean) {
  const deadline = Date.now() + 5_000;
  let snapshot = usage.snapshot();
  while (!ready(snapshot) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    snapshot = usage.snapshot();
  }
  return snapshot;
}

describe('database pool use', () => {
  it('shows connections in use, free and waiting while queries and a transaction run, and the busy time', async () => {
    const usage = database.usage!;
    const metrics = new AppMetrics(database.db, usage);
    const max = testDriver === 'pglite' ? 1 : 4;
    expect(usage.snapshot()).toMatchObject({ max, inUse: 0, waiting: 0 });
    const busyBefore = usage.snapshot().busySeconds;

    // A transaction holds its connection open while five sleeping queries
    // start: six in hand. The transaction waits on a gate rather than on a
    // sleep, and the snapshot is polled, so a loaded machine cannot finish
    // the work before it is observed (PGlite runs a query synchronously on
    // the event loop's thread, so a timer alone may fire only after all).
    let open!: () => void;
    let release!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transaction = database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      open();
      await gate;
      await tx.execute(sql`select pg_sleep(0.2)`);
    });
    await opened;
    // drizzle's queries are lazy: Promise.resolve starts them now, as an await would.
    // On PostgreSQL three of them run beside the transaction: they sleep long
    // enough for the snapshot and the metrics to be read before two more start.
    const seconds = testDriver === 'pglite' ? 0.4 : 1;
    const sleeping = Array.from({ length: 5 }, () => Promise.resolve(database.db.execute(sql`select pg_sleep(${seconds})`)));
    const during = await waitForSnapshot(usage, (s) => s.inUse + s.waiting === 6);
    expect(during).toMatchObject({ inUse: max, waiting: 6 - max });
    // The pool gauges are read as the scrape starts; the email-queue gauges'
    // own queries then wait behind the transaction, so the gate opens before
    // the scrape is awaited.
    const scrape = metrics.registry.metrics();
    release();
    const text = await scrape;
    expect(metricValue(text, 'wouldmiss_db_connections{state="in_use"}')).toBe(max);
    expect(metricValue(text, 'wouldmiss_db_connections{state="idle"}')).toBe(0);
    expect(metricValue(text, 'wouldmiss_db_connections_max')).toBe(max);
    expect(metricValue(text, 'wouldmiss_db_waiting')).toBe(6 - max);

    await Promise.all([...sleeping, transaction]);
    const after = usage.snapshot();
    expect(after).toMatchObject({ inUse: 0, waiting: 0 });
    // PGlite runs the five sleeps after the transaction, one after another (2 s and more);
    // PostgreSQL runs three beside the transaction, then two (2 s and more).
    expect(after.busySeconds - busyBefore).toBeGreaterThanOrEqual(testDriver === 'pglite' ? 2.1 : 1.9);
    const idle = await metrics.registry.metrics();
    expect(metricValue(idle, 'wouldmiss_db_connections{state="in_use"}')).toBe(0);
    expect(metricValue(idle, 'wouldmiss_db_connections{state="idle"}')).toBe(max);
    expect(metricValue(idle, 'wouldmiss_db_busy_seconds_total')).toBeCloseTo(after.busySeconds, 1);
  });

  it('stops counting a query that fails', async () => {
    const usage = database.usage!;
    await expect(database.db.execute(sql`select 1/0`)).rejects.toThrow();
    expect(usage.snapshot()).toMatchObject({ inUse: 0, waiting: 0 });
  });
});
