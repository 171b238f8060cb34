import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import type * as schema from './schema';

/** The committed drizzle-kit migrations; resolved from this file, so it works from any working directory. */
export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

// Any constant works; it only has to be the same in every app process.
const MIGRATION_LOCK_ID = 727_401;

export async function migratePgliteDatabase(db: PgliteDatabase<typeof schema>): Promise<void> {
  const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
  await migratePglite(db, { migrationsFolder });
}

/**
 * Applies pending migrations on PostgreSQL over one dedicated connection, under
 * an advisory lock so that app processes starting together do not race.
 */
export async function migratePostgresDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migratePostgres(drizzlePostgres({ client: sql }), { migrationsFolder });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
