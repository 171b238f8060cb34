import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppMetrics } from '../../app/ops/metrics.server';
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

describe('database pool use', () => {
  it('shows connections in use, free and waiting while queries and a transaction run, and the busy time', async () => {
    const usage = database.usage!;
    const metrics = new AppMetrics(database.db, usage);
    const max = testDriver === 'pglite' ? 1 : 4;
    expect(usage.snapshot()).toMatchObject({ max, inUse: 0, waiting: 0 });
    const busyBefore = usage.snapshot().busySeconds;

    // Five queries of 0.4 s and a transaction holding its connection for 0.4 s: six in hand.
    // drizzle's queries are lazy: Promise.resolve starts them now, as an await would.
    const sleeping = Array.from({ length: 5 }, () => Promise.resolve(database.db.execute(sql`select pg_sleep(0.4)`)));
    const transaction = database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_sleep(0.2)`);
      await tx.execute(sql`select pg_sleep(0.2)`);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = usage.snapshot();
    expect(during).toMatchObject({ inUse: max, waiting: 6 - max });
    const text = await metrics.registry.metrics();
    expect(metricValue(text, 'wouldmiss_db_connections{state="in_use"}')).toBe(max);
    expect(metricValue(text, 'wouldmiss_db_connections{state="idle"}')).toBe(0);
    expect(metricValue(text, 'wouldmiss_db_connections_max')).toBe(max);
    expect(metricValue(text, 'wouldmiss_db_waiting')).toBe(6 - max);

    await Promise.all([...sleeping, transaction]);
    const after = usage.snapshot();
    expect(after).toMatchObject({ inUse: 0, waiting: 0 });
    // PGlite runs the six one after another (2.4 s), PostgreSQL four at once then two (0.8 s).
    expect(after.busySeconds - busyBefore).toBeGreaterThanOrEqual(testDriver === 'pglite' ? 2.3 : 0.75);
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
