import { dataDirHolder } from '../../db/data-dir-lock.server';
import { env as loadEnv } from '../config/env.server';
import { handOverCommand } from '../ops/command-socket/client.server';
import type { DatabaseCommand } from './command-io';

/**
 * Runs a database command here, or, when a running app holds the PGlite data
 * folder, hands it to that app (decision 0023). PostgreSQL serves any number
 * of processes, so there the command always runs here.
 */
export async function runDatabaseCommand(name: string, command: DatabaseCommand, given: string[]): Promise<number> {
  const argv = command.completeArgv?.(given) ?? given;
  const env = loadEnv();
  const output = { stdout: process.stdout, stderr: process.stderr };
  if (!env.DATABASE_URL) {
    const holder = dataDirHolder(env.DATA_DIR);
    if (holder !== null) return handOverCommand({ dataDir: env.DATA_DIR, holder }, name, command, argv, output);
  }
  return command.run(argv, output);
}
