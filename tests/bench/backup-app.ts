/**
 * The app as `tests/bench/backup.ts` runs it: the built app on the configured
 * database (DATABASE_URL or DATA_DIR) without background workers, and a
 * backup written by this same process when a line `backup FILE` arrives on
 * standard input (as the scheduled backup or a handed-over `backup` command
 * would run it). Answers each with one JSON line on standard output.
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { openConfiguredDatabase } from '../../app/config/database.server';
import { env as loadEnv } from '../../app/config/env.server';
import { setDatabase } from '../../app/db.server';
import { createApp } from '../../app/http/express-app.server';
import { writeBackupFile } from '../../app/ops/backup/backup.server';

const env = loadEnv();
const database = await openConfiguredDatabase(env);
setDatabase(database);
const build = (await import(pathToFileURL(path.resolve('build/index.js')).href)) as ServerBuild;
const server = createApp(build, env).listen(env.PORT, env.HOST, () => console.log(JSON.stringify({ ready: true })));

for await (const line of createInterface({ input: process.stdin })) {
  const [command, file] = line.split(' ');
  if (command === 'backup' && file) {
    const started = performance.now();
    const result = await writeBackupFile(database.db, file);
    console.log(JSON.stringify({ ...result, ms: performance.now() - started }));
  }
}
server.close();
await database.close();
