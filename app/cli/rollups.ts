import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { selectRows } from '../../db/client.server';
import { rebuildRollups } from '../reports/rollups.server';
import type { CommandIo } from './command-io';

/**
 * `cli rollups:rebuild [--workspace ID|SLUG]`: counts every stored period's
 * frequency tables afresh from the responses (decision 0031) and says which
 * periods the incremental tables had wrong. Safe while the app runs: each
 * period is its own short transaction under the period's lock.
 */
export async function runRollupsRebuild(argv: string[], io: CommandIo): Promise<number> {
  let workspace: string | undefined;
  try {
    workspace = parseArgs({ args: argv, options: { workspace: { type: 'string' } }, strict: true }).values.workspace;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\nUsage: rollups:rebuild [--workspace ID]\n`);
    return 2;
  }
  const handle = await (io.openDatabase ?? openConfigured)();
  try {
    let workspaceId: string | undefined;
    if (workspace !== undefined) {
      const [found] = await selectRows<{ id: string }>(
        handle.db,
        sql`select id from workspaces where id::text = ${workspace} or slug = ${workspace}`,
      );
      if (!found) {
        io.stderr.write(`No workspace with the id or slug "${workspace}".\n`);
        return 1;
      }
      workspaceId = found.id;
    }
    const started = performance.now();
    const periods = await rebuildRollups(handle.db, { workspaceId });
    const corrected = periods.filter((period) => period.corrected);
    for (const period of corrected) io.stdout.write(`corrected ${period.workspaceId} ${period.period}\n`);
    io.stderr.write(
      `Counted ${periods.length} stored period${periods.length === 1 ? '' : 's'} afresh in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `${corrected.length} had differed from the full count.\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}

async function openConfigured() {
  const [{ env }, { openConfiguredDatabase }] = await Promise.all([import('../config/env.server'), import('../config/database.server')]);
  return openConfiguredDatabase(env());
}
