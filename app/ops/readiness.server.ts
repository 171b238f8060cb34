import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { migrationsFolder } from '../../db/migrate.server';
import { oldestQueuedSeconds } from './metrics.server';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unavailable';
  migrations?: { applied: number; expected: number };
  /** `external`: RUN_WORKER=false, separate worker processes send. */
  worker: { state: 'running' | 'stopped' | 'external'; oldestQueuedSeconds?: number };
}

/** The number of migrations this version ships (drizzle-kit's journal). */
function expectedMigrations(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * Whether this process should get traffic: the database answers (within 2 s),
 * every migration of this version is applied, and the email worker runs here
 * (or is left to separate processes). The age of the oldest queued email is
 * reported for alerting; a long queue alone does not make the app unready.
 */
export async function checkReadiness(db: Database, worker: { running: boolean } | undefined): Promise<Readiness> {
  const workerState = worker === undefined ? 'external' : worker.running ? 'running' : 'stopped';
  try {
    const result = await withTimeout(
      (async () => {
        const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
        return { applied: Number(row?.n ?? 0), oldest: await oldestQueuedSeconds(db) };
      })(),
      2_000,
    );
    const expected = expectedMigrations();
    return {
      ready: result.applied >= expected && workerState !== 'stopped',
      database: 'ok',
      migrations: { applied: result.applied, expected },
      worker: { state: workerState, oldestQueuedSeconds: Math.round(result.oldest) },
    };
  } catch {
    return { ready: false, database: 'unavailable', worker: { state: workerState } };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
