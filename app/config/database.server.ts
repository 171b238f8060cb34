import { openDatabase, type DatabaseHandle } from '../../db/client.server';
import { recoverImports } from '../customers/import-apply.server';
import type { Env } from './env.server';

/**
 * Opens the configured database: PostgreSQL when DATABASE_URL is set, else
 * PGlite in DATA_DIR. On PGlite, an import cut off while it was applied (a
 * crash) is undone before anything else uses the data folder (decision 0037).
 */
export async function openConfiguredDatabase(env: Env): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) return openDatabase({ driver: 'postgres', url: env.DATABASE_URL });
  const handle = await openDatabase({ driver: 'pglite', dataDir: env.DATA_DIR });
  try {
    const undone = await recoverImports(handle.db);
    if (undone > 0) console.error(`Undid ${undone} customer import${undone === 1 ? '' : 's'} cut off while being applied (decision 0037).`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
