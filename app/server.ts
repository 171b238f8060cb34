import type { ServerBuild } from '@remix-run/node';
import { ConfigError, demoStartLine, env as loadEnv } from './config/env.server';
import { createApp } from './http/express-app.server';
import { openConfiguredDatabase } from './config/database.server';
import { setDatabase } from './db.server';
import { ensureDemoWorkspace } from '../db/seed/demo.server';
import { DataDirLockedError } from '../db/data-dir-lock.server';
import { createEmailWorker } from './campaigns/worker.server';
import { setProcessDispatcher } from './email/dispatcher.server';
import { emailSettings } from './email/settings.server';
import { FlagEvaluator, setProcessFlagEvaluator } from './flags/evaluator.server';

/**
 * The production server: opens and migrates the database, creates the demo
 * workspace on an empty database, and serves the Remix build behind security
 * headers. `npm start` builds first and then runs this file.
 */
async function main() {
  const env = loadEnv();
  const started = Date.now();
  const database = await openConfiguredDatabase(env);
  setDatabase(database);
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
  console.log(
    `Email: ${mail.transport === 'resend' ? 'Resend' : 'local outbox (no RESEND_API_KEY)'}; dispatcher ${dispatcher ? 'in this process' : 'off (RUN_WORKER=false)'}`,
  );

  const build = (await import(new URL('../build/index.js', import.meta.url).href)) as ServerBuild;
  const app = createApp(build, env);
  const server = app.listen(env.PORT, env.HOST, () => {
    console.log(`Wouldmiss is ready at ${env.APP_URL} (listening on ${env.HOST}:${env.PORT})`);
  });

  const shutdown = (signal: string) => {
    console.log(`${signal}: shutting down`);
    server.close(() => {
      void Promise.all([dispatcher?.stop(), flagEvaluator.stop()])
        .then(() => database.close())
        .finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else {
    console.error('Wouldmiss could not start:', error);
  }
  process.exit(1);
});
