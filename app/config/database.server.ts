import { openDatabase, type DatabaseHandle } from '../../db/client.server';
import type { Env } from './env.server';

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function openConfiguredDatabase(env: Env): Promise<DatabaseHandle> {
  return env.DATABASE_URL
    ? openDatabase({ driver: 'postgres', url: env.DATABASE_URL })
    : openDatabase({ driver: 'pglite', dataDir: env.DATA_DIR });
}
