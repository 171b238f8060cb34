import { parseArgs } from 'node:util';
import { ConfigError, env as loadEnv } from '../config/env.server';
import { openConfiguredDatabase } from '../config/database.server';
import { DataDirLockedError } from '../../db/data-dir-lock.server';
import { emailField } from '../auth/forms';
import { createWorkspaceInvitation } from '../auth/workspace-invitations.server';
import { emailSettings } from '../email/settings.server';
import { createEmailWorker } from '../campaigns/worker.server';
import { FlagEvaluator } from '../flags/evaluator.server';
import { QuarterlyReportSchedule } from '../ops/quarterly-report-schedule.server';
import { ensureDemoWorkspace } from '../../db/seed/demo.server';
import { createLargeWorkspace, LARGE } from '../../db/seed/large.server';
import { ANALYZE_USAGE, runAnalyze } from './analyze';
import { databaseCommands } from './database-commands';
import { runDatabaseCommand } from './run-database-command';
import { THEMES_USAGE } from './themes';

/**
 * `npm run cli -- <command>`: the command line for operators and scripts.
 * Commands that need the database open the same one as the app (DATABASE_URL
 * or DATA_DIR). With PGlite only one process may hold the data folder: the
 * commands of database-commands.ts are then carried out by the running app
 * (decision 0023); the others fail at once with a message saying so.
 */
const commands: Record<string, { summary: string; usage: string; run: (argv: string[]) => Promise<number> }> = {
  analyze: {
    summary: 'Analyse a CSV of responses for one period and print the results as JSON; free texts are coded with the starter themes, a theme file (--themes) or a workspace\'s themes (--workspace)',
    usage: ANALYZE_USAGE,
    run: (argv) => runAnalyze(argv, { stdout: process.stdout, stderr: process.stderr }),
  },
  'import:customers': {
    summary: 'Import customers and their tiers for a period from a CSV file, all or nothing',
    usage: 'import:customers FILE --workspace SLUG --period 2026-Q4 [--dry-run] [--json] [--tiers-by revenue|margin]',
    run: (argv) => runDatabaseCommand('import:customers', databaseCommands['import:customers']!, argv),
  },
  themes: {
    summary: "Print a workspace's theme list as JSON (the file analyze --themes reads)",
    usage: THEMES_USAGE,
    run: (argv) => runDatabaseCommand('themes', databaseCommands.themes!, argv),
  },
  outbox: {
    summary: 'List the messages in the local outbox (newest first)',
    usage: 'outbox [--json] [--limit N]',
    run: (argv) => runDatabaseCommand('outbox', databaseCommands.outbox!, argv),
  },
  'rollups:rebuild': {
    summary: "Count every stored period's frequency tables afresh from the responses and report any that differed",
    usage: 'rollups:rebuild [--workspace ID]',
    run: (argv) => runDatabaseCommand('rollups:rebuild', databaseCommands['rollups:rebuild']!, argv),
  },
  worker: {
    summary: 'Send queued email and run the campaign schedule until stopped',
    usage: 'worker',
    run: worker,
  },
  seed: {
    summary: 'Create the demo workspace on an empty database, or the large benchmark data set on PostgreSQL',
    usage: 'seed [--size demo|large]',
    run: seed,
  },
  'invite-workspace': {
    summary: 'Print a one-time link with which EMAIL can create a new workspace (SIGNUP=invite)',
    usage: 'invite-workspace EMAIL',
    run: inviteWorkspace,
  },
  backup: {
    summary: 'Write a compressed dump of the whole database (pg_dump SQL, gzip) while the app runs',
    usage: 'backup [FILE]',
    run: (argv) => runDatabaseCommand('backup', databaseCommands.backup!, argv),
  },
  restore: {
    summary: 'Restore a backup into an empty database (the app stopped), then apply newer migrations',
    usage: 'restore FILE [--replace]',
    run: async (argv) => (await import('./backup')).runRestore(argv, { stdout: process.stdout, stderr: process.stderr }),
  },
  transfer: {
    summary: 'Copy the embedded database into an empty PostgreSQL database and check the copy (the app stopped)',
    usage: 'transfer --to postgres://… [--replace]',
    run: async (argv) => (await import('./backup')).runTransfer(argv, { stdout: process.stdout, stderr: process.stderr }),
  },
  migrate: {
    summary: 'Apply pending database migrations (the app also does this at start)',
    usage: 'migrate',
    run: async () => withDatabase(async () => {
      console.error('Migrations are up to date.');
      return 0;
    }),
  },
};

function help(): string {
  const lines = ['Usage: npm run cli -- <command> [options]', '', 'Commands:'];
  for (const [name, command] of Object.entries(commands)) lines.push(`  ${command.usage.padEnd(52)} ${command.summary}`);
  lines.push('', 'Run a command with --help for its options.');
  return lines.join('\n');
}

async function withDatabase(work: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>['db']) => Promise<number>): Promise<number> {
  const handle = await openConfiguredDatabase(loadEnv());
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

async function inviteWorkspace(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true });
  const parsed = emailField.safeParse(positionals[0] ?? '');
  if (positionals.length !== 1 || !parsed.success) {
    console.error('Usage: npm run cli -- invite-workspace EMAIL (one valid email address)');
    return 2;
  }
  const settings = loadEnv();
  return withDatabase(async (db) => {
    const invitation = await createWorkspaceInvitation(db, { email: parsed.data, appUrl: settings.APP_URL });
    console.log(invitation.link);
    console.error(`One workspace for ${parsed.data}; the link works once, until ${invitation.expiresAt.toISOString().slice(0, 10)}.`);
    if (settings.SIGNUP !== 'invite') console.error(`Note: SIGNUP is ${settings.SIGNUP}; invitation links are used only with SIGNUP=invite.`);
    return 0;
  });
}

/**
 * The email worker for deployments with several processes: works the send
 * queue, the campaign schedule, the flag rules, the flag digests and the owners' quarterly reports next to the app processes (which run one
 * each unless RUN_WORKER=false) until SIGINT or SIGTERM, then finishes the
 * batches in flight. With PGlite the app holds the data folder, so a worker
 * only runs when the app does not: scale-out needs PostgreSQL.
 */
async function worker(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const env = loadEnv();
  const handle = await openConfiguredDatabase(env);
  const settings = emailSettings(env);
  const dispatcher = createEmailWorker(handle.db, settings).start();
  const flagEvaluator = new FlagEvaluator(handle.db).start();
  const quarterlyReports = new QuarterlyReportSchedule(handle.db).start();
  const target = settings.transport === 'resend' ? `Resend (${settings.ratePerSecond > 0 ? `${settings.ratePerSecond} requests/s` : 'no rate limit'})` : 'the local outbox';
  console.error(`Email worker started: sending to ${target}. Stop with Ctrl+C.`);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.error(`${signal}: finishing the batches in flight`);
  await Promise.all([dispatcher.stop(), flagEvaluator.stop(), quarterlyReports.stop()]);
  await handle.close();
  return 0;
}

async function seed(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { size: { type: 'string', default: 'demo' } } });
  if (values.size === 'large') return seedLarge();
  if (values.size !== 'demo') {
    console.error('--size is demo or large');
    return 2;
  }
  return withDatabase(async (db) => {
    const result = await ensureDemoWorkspace(db);
    if (result.created) console.error(`Created the demo workspace "${result.workspaceName}".`);
    else if (result.logins.length > 0) console.error('The demo workspace exists already.');
    else console.error('The database has other workspaces; the demo is only created on an empty database.');
    return 0;
  });
}

/** 200,000 customers and 1,000,000 responses for benchmarks; PostgreSQL only (COPY). */
async function seedLarge(): Promise<number> {
  const env = loadEnv();
  if (!env.DATABASE_URL) {
    console.error('The large data set needs PostgreSQL: set DATABASE_URL.');
    return 2;
  }
  // Opening applies the migrations first.
  await withDatabase(async () => 0);
  const result = await createLargeWorkspace(env.DATABASE_URL, { log: (line) => console.error(line) });
  console.error(
    `Created "${LARGE.slug}": ${result.customers} customers, ${result.invitations} invitations, ${result.responses} responses in ${result.seconds.toFixed(1)} s.`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: npm run cli -- ${command.usage}\n\n${command.summary}.`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DataDirLockedError) console.error(error.message);
    else if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) console.error(error.message);
    else console.error(error);
    process.exitCode = error instanceof TypeError ? 2 : 1;
  },
);
