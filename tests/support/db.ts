import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.server';
import { pgliteTypeOptions } from '../../db/pglite-types';
import { withDatabase } from './setup-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/** Which driver this test run uses; the integration project runs once per driver. */
export const testDriver = (process.env.TEST_DB_DRIVER ?? 'pglite') as 'pglite' | 'postgres';

/**
 * A fresh, migrated database of the run's driver, for one test file. Close it
 * with `dispose()` in afterAll; a PostgreSQL test database is dropped then.
 */
export async function createTestDatabase(): Promise<DatabaseHandle & { dispose(): Promise<void> }> {
  if (testDriver === 'pglite') {
    const template = await fs.readFile(inject('pgliteTemplate'));
    const client = new PGlite({ loadDataDir: new Blob([template]), ...pgliteTypeOptions });
    const handle = await openDatabase({ driver: 'pglite', client }, { migrate: false });
    return { ...handle, dispose: () => handle.close() };
  }
  const url = process.env.DATABASE_URL!;
  const name = `wouldmiss_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')}`);
  const handle = await openDatabase({ driver: 'postgres', url: withDatabase(url, name), maxConnections: 4 }, { migrate: false });
  return {
    ...handle,
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
