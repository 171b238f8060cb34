import type { PGlite } from '@electric-sql/pglite';
import { pgliteTypeOptions } from './pglite-types';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';
import { acquireDataDirLock } from './data-dir-lock.server';
import { migratePgliteDatabase, migratePostgresDatabase } from './migrate.server';
import { PoolUsage } from './pool-usage';

/**
 * The one database type application code takes. PGlite and postgres.js
 * databases (and transactions of either) are both of this type.
 */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** Where the data lives, for messages: the data folder or the server's host. */
  location: string;
  /** Connections in use and waiting, counted around the driver's calls (for /metrics). */
  usage?: PoolUsage;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { driver: 'postgres'; url: string; maxConnections?: number }
  | { driver: 'pglite'; dataDir: string }
  | { driver: 'pglite'; client: PGlite };

/**
 * Opens the database, applies pending migrations and returns the handle.
 * A PGlite data folder is locked for the process's lifetime: a second process
 * fails at once with a clear message instead of corrupting the folder.
 */
export async function openDatabase(target: DatabaseTarget, options: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  if (target.driver === 'postgres' && options.migrate !== false) await migratePostgresDatabase(target.url);
  const handle = await connect(target);
  if (handle.driver === 'pglite' && options.migrate !== false) {
    try {
      await migratePgliteDatabase(handle.db as PgliteDatabase<typeof schema>);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

async function connect(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.driver === 'postgres') {
    const max = target.maxConnections ?? 10;
    const sql = postgres(target.url, {
      max,
      onnotice: () => {},
      // PostgreSQL's JIT compiles the large report and flag queries anew each
      // time, which cost more than it saved: the flags of a 100,000-response
      // campaign read in 0.6 s without it and 1.2 s with it (docs/benchmarks.md).
      connection: { jit: 'off' },
    });
    const usage = new PoolUsage('postgres', max);
    const db = drizzlePostgres({ client: usage.watchPostgres(sql), schema });
    return {
      db,
      driver: 'postgres',
      location: new URL(target.url).host,
      usage,
      close: () => sql.end({ timeout: 5 }),
    };
  }
  // PGlite (WebAssembly, ~50 MB) is loaded only by processes that use it.
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  if ('client' in target) {
    const client = target.client;
    (await import('./pglite-statements')).preparePgliteStatements(client);
    const usage = new PoolUsage('pglite', 1);
    usage.watchPglite(client);
    return { db: drizzlePglite({ client, schema }), driver: 'pglite', location: 'memory', usage, close: () => client.close() };
  }
  const releaseLock = await acquireDataDirLock(target.dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create(target.dataDir, pgliteTypeOptions);
    (await import('./pglite-statements')).preparePgliteStatements(client);
    const usage = new PoolUsage('pglite', 1);
    usage.watchPglite(client);
    return {
      db: drizzlePglite({ client, schema }),
      driver: 'pglite',
      location: target.dataDir,
      usage,
      close: async () => {
        await client.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * Rows of a raw `db.execute` query on either driver: postgres.js returns the
 * rows array itself, PGlite returns `{ rows }`. Timestamps come back as
 * strings from postgres.js, so raw queries select epoch numbers or ISO text.
 */
export async function selectRows<T = unknown>(db: Database, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}

/**
 * True for PGlite: one connection, which every other query waits on during a
 * transaction. A transaction handle has no client and counts as PostgreSQL:
 * work called inside a caller's transaction stays in it.
 */
export function isEmbedded(db: Database): boolean {
  const client = (db as unknown as { $client?: { execProtocolRawStream?: unknown } }).$client;
  return typeof client?.execProtocolRawStream === 'function';
}

/**
 * True for a pool of PostgreSQL connections, on which transactions can run
 * side by side. Not PGlite's one connection, nor a transaction's (whose
 * statements follow one another, and whose work must stay in it).
 */
export function isConnectionPool(db: Database): boolean {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client !== undefined && !isEmbedded(db);
}

export { schema };
