import fs from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { acquireDataDirLock, DataDirLockedError } from '../../../db/data-dir-lock.server';
import { migratePgliteDatabase, migratePostgresDatabase } from '../../../db/migrate.server';
import { pgliteTypeOptions } from '../../../db/pglite-types';
import type * as schema from '../../../db/schema';
import { restoreBackup, RestoreError, type RestoreResult } from './restore.server';

/** The database a restore or transfer writes to. */
export type RestoreDestination = { driver: 'postgres'; url: string } | { driver: 'pglite'; dataDir: string } | { driver: 'pglite'; client: PGlite };

export interface RestoredDatabase extends RestoreResult {
  /** Migrations of this version applied after the restore (an older backup in a newer app). */
  migrationsApplied: number;
}

/**
 * Restores FILE into the destination and then applies the migrations this
 * version has and the backup lacks. A PGlite data folder must not be in use:
 * restore replaces what the running app reads, so the app has to be stopped.
 */
export async function restoreFile(destination: RestoreDestination, file: string, options: { replace?: boolean } = {}): Promise<RestoredDatabase> {
  if (!fs.existsSync(file)) throw new RestoreError(`There is no file ${file}.`);
  if (!fs.statSync(file).isFile()) throw new RestoreError(`${file} is not a file.`);
  const input = () => fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (destination.driver === 'postgres') {
    const client = postgres(destination.url, { max: 1, onnotice: () => {} });
    let result: RestoreResult;
    try {
      result = await restoreBackup({ driver: 'postgres', client }, input(), options);
    } finally {
      await client.end({ timeout: 5 });
    }
    await migratePostgresDatabase(destination.url);
    return { ...result, migrationsApplied: await appliedSince(destination, result.migrations) };
  }
  if ('client' in destination) {
    const result = await restoreBackup({ driver: 'pglite', client: destination.client }, input(), options);
    await migratePglite(destination.client);
    return { ...result, migrationsApplied: await appliedSince(destination, result.migrations) };
  }
  const release = await lockForRestore(destination.dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create(destination.dataDir, pgliteTypeOptions);
    try {
      const result = await restoreBackup({ driver: 'pglite', client }, input(), options);
      await migratePglite(client);
      return { ...result, migrationsApplied: await appliedSince({ driver: 'pglite', client }, result.migrations) };
    } finally {
      await client.close();
    }
  } finally {
    release();
  }
}

/** Locks a data folder for restore or transfer, saying plainly when the app holds it. */
export async function lockForRestore(dataDir: string): Promise<() => void> {
  try {
    return await acquireDataDirLock(dataDir);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      throw new DataDirLockedError(
        `${error.message}\nRestore and transfer need the embedded database to themselves: stop the app (Ctrl+C or SIGTERM), run the command, then start the app again.`,
      );
    }
    throw error;
  }
}

async function migratePglite(client: PGlite): Promise<void> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const schemaModule = (await import('../../../db/schema')) as typeof schema;
  await migratePgliteDatabase(drizzle({ client, schema: schemaModule }));
}

async function appliedSince(destination: { driver: 'postgres'; url: string } | { driver: 'pglite'; client: PGlite }, before: number): Promise<number> {
  const query = 'select count(*)::int as n from drizzle.__drizzle_migrations';
  if (destination.driver === 'pglite') return Number((await destination.client.query<{ n: number }>(query)).rows[0]?.n ?? 0) - before;
  const client = postgres(destination.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client.unsafe<{ n: number }[]>(query);
    return Number(row?.n ?? 0) - before;
  } finally {
    await client.end({ timeout: 5 });
  }
}
