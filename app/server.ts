import type { ServerBuild } from '@remix-run/node';
import { ConfigError, demoStartLine, env as loadEnv } from './config/env.server';
import { createApp } from './http/express-app.server';
import { closeGracefully } from './http/graceful-close.server';
import { openConfiguredDatabase } from './config/database.server';
import { setDatabase } from './db.server';
import { ensureDemoWorkspace } from '../db/seed/demo.server';
import { DataDirLockedError } from '../db/data-dir-lock.server';
import { createEmailWorker } from './campaigns/worker.server';
import { setProcessDispatcher } from './email/dispatcher.server';
import { emailSettings } from './email/settings.server';
import { FlagEvaluator, setProcessFlagEvaluator } from './flags/evaluator.server';
import { QuarterlyReportSchedule } from './ops/quarterly-report-schedule.server';
import { setProcessMetrics } from './ops/job-report.server';
import { createLogger, setProcessLogger } from './ops/logger.server';
import { AppMetrics } from './ops/metrics.server';
import { withOperations } from './ops/operations.server';
import { startBackupSchedule } from './ops/backup/schedule.server';
import { closePgliteDumps } from './ops/backup/pglite-dump.server';
import { startCommandSocket } from './ops/command-socket/server.server';
import { databaseCommands } from './cli/database-commands';

/**
 * The production server: opens and migrates the database, creates the demo
 * workspace on an empty database, and serves the Remix build behind security
 * headers. `npm start` builds first and then runs this file.
 */
async function main() {
  const env = loadEnv();
  const started = Date.now();
  const logger = createLogger(env);
  setProcessLogger(logger);
  const database = await openConfiguredDatabase(env);
  setDatabase(database);
  const metrics = new AppMetrics(database.db, database.usage);
  setProcessMetrics(metrics);
  console.log(`Database: ${database.driver === 'pglite' ? `PGlite in ${database.location}` : `PostgreSQL at ${database.location}`}`);

  console.log(demoStartLine(env));
  if (env.DEMO_SEED) {
    const demo = await ensureDemoWorkspace(database.db);
    if (demo.created) console.log(`Created the demo workspace "${demo.workspaceName}" in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (demo.logins.length > 0) {
      console.log('Demo logins (demo data only):');
      for (const login of demo.logins) console.log(`  ${login.role.padEnd(9)} ${login.email}  password: ${login.password}`);
    }
  }

  // The email dispatcher (send queue, campaign schedule, reminders) runs in the
  // app process unless separate `npm run worker` processes do the work.
  const mail = emailSettings(env);
  const dispatcher = env.RUN_WORKER ? createEmailWorker(database.db, mail).start() : undefined;
  setProcessDispatcher(dispatcher);
  // Flags are raised in every app process, whatever RUN_WORKER says: answers arrive here.
  const flagEvaluator = new FlagEvaluator(database.db).start();
  setProcessFlagEvaluator(flagEvaluator);
  // At the start of each quarter, the owners' report of the quarter just ended (once per workspace, whichever process looks first).
  const quarterlyReports = new QuarterlyReportSchedule(database.db).start();
  console.log(
    `Email: ${mail.transport === 'resend' ? 'Resend' : 'local outbox (no RESEND_API_KEY)'}; dispatcher ${dispatcher ? 'in this process' : 'off (RUN_WORKER=false)'}`,
  );

  // BACKUP_DIR: a daily backup, the newest BACKUP_KEEP kept.
  const backups = startBackupSchedule(env, database.db);
  if (backups) console.log(`Backups: daily into ${env.BACKUP_DIR}, the newest ${env.BACKUP_KEEP} kept`);

  const build = (await import(new URL('../build/index.js', import.meta.url).href)) as ServerBuild;
  const app = withOperations(createApp(build, env), { env, build, db: database.db, logger, metrics, worker: dispatcher });
  // With PGlite this process holds the data folder; commands of `npm run cli` reach the database through it (decision 0023).
  const commandSocket = env.DATABASE_URL ? null : startCommandSocket({ dataDir: env.DATA_DIR, db: database.db, commands: databaseCommands, logger });
  const server = app.listen(env.PORT, env.HOST, () => {
    console.log(`Wouldmiss is ready at ${env.APP_URL} (listening on ${env.HOST}:${env.PORT})`);
  });

  // Process managers often signal the whole process group (npm and node both
  // get SIGTERM, and npm passes its own on), so a repeated signal changes nothing.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = env.SHUTDOWN_SECONDS * 1000;
    console.log(`${signal}: stopping; requests in flight have ${env.SHUTDOWN_SECONDS} s to finish`);
    // A last resort if closing itself hangs (a database that does not answer).
    setTimeout(() => {
      console.error('Shutdown did not finish in time; exiting.');
      process.exit(1);
    }, graceMs + 30_000).unref();
    // A backup's dump of the embedded database runs in a worker thread and may take minutes: it is cut off (leaving no file).
    closePgliteDumps();
    // The workers finish the batch in hand (a claimed email batch is sent and
    // recorded, never left half done) while the server drains its requests.
    const [closed] = await Promise.all([closeGracefully(server, graceMs), dispatcher?.stop(), flagEvaluator.stop(), quarterlyReports.stop(), commandSocket?.close(), backups?.stop()]);
    if (closed.timedOut) console.error(`Requests still running after ${env.SHUTDOWN_SECONDS} s were cut off.`);
    await database.close();
    console.log('Stopped cleanly.');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      shutdown(signal).catch((error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      });
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else {
    console.error('Wouldmiss could not start:', error);
  }
  process.exit(1);
});
