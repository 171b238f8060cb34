import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.server';

/**
 * Migrates one in-memory PGlite database and dumps its data folder; every
 * test file opens a copy of that dump (about 0.5 s) instead of running initdb
 * and the migrations itself (several seconds).
 */
export default async function setup(project: TestProject) {
  const client = new PGlite();
  const handle = await openDatabase({ driver: 'pglite', client });
  const dump = await client.dumpDataDir('none');
  await handle.close();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wouldmiss-pglite-'));
  const file = path.join(dir, 'template.tar');
  await fs.writeFile(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return async () => {
    await fs.rm(dir, { recursive: true, force: true });
  };
}
