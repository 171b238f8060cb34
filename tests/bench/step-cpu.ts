/**
 * CPU of one survey step submission in process (issue 20): the survey's
 * step handler (`surveyPostReply`) against a PGlite data folder or a
 * PostgreSQL database, each customer answering its five steps in order.
 *
 *   npx tsx tests/bench/step-cpu.ts [--visits 400] [--url postgres://…] [--dir DIR] [--trace] [--profile FILE] [--sql STATEMENT]
 *
 * Prints the process's CPU per step (PGlite runs on this thread; on
 * PostgreSQL the server's own CPU is not counted). `--trace` adds the CPU of
 * each statement on PGlite, `--profile` writes a CPU profile of the measured
 * steps, `--evaluator` runs the flag evaluator as the app does and counts its work, `--sql` runs a statement first, once per flag (e.g. to switch a trigger off). Run
 * `npm run build` first.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { setDatabase } from '../../app/db.server';
import type { surveyPostReply as SurveyPostReply } from '../../app/surveys/customer-pages.server';
import { openDatabase, selectRows } from '../../db/client.server';
import { flagEvaluations } from '../../db/schema';
import { FlagEvaluator, setProcessFlagEvaluator } from '../../app/flags/evaluator.server';
import { seedSurveyWorkspace, STEP_ANSWERS } from './survey-seed';

const { values: options } = parseArgs({
  options: { evaluator: { type: 'boolean' }, sql: { type: 'string', multiple: true }, trace: { type: 'boolean' }, profile: { type: 'string' }, visits: { type: 'string', default: '400' }, url: { type: 'string' }, dir: { type: 'string' }, warmup: { type: 'string', default: '40' } },
});
// The survey's code as the app runs it: from the server build's entry (run `npm run build` first).
const build = (await import(pathToFileURL(path.resolve('build/index.js')).href)) as { entry: { module: { surveyPostReply: typeof SurveyPostReply } } };
const { surveyPostReply } = build.entry.module;
const VISITS = Number(options.visits);
const WARMUP = Number(options.warmup);

const dir = options.url ? null : (options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'wm-step-cpu-'))));
const handle = options.url ? await openDatabase({ driver: 'postgres', url: options.url, maxConnections: 4 }) : await openDatabase({ driver: 'pglite', dataDir: dir! });
// --trace: CPU per statement text (PGlite runs every statement on this thread).
const statements = new Map<string, { n: number; us: number }>();
let tracing = false;
if (options.trace && handle.driver === 'pglite') {
  const client = (handle.db as unknown as { $client: Record<string, (...args: unknown[]) => Promise<unknown>> }).$client;
  for (const method of ['query', 'exec']) {
    const original = client[method]!.bind(client);
    client[method] = async (...args: unknown[]) => {
      const t = process.cpuUsage();
      try {
        return await original(...args);
      } finally {
        if (tracing) {
          const d = process.cpuUsage(t);
          const key = `${method}: ${String(args[0]).replace(/\s+/g, ' ').slice(0, 140)}`;
          const entry = statements.get(key) ?? { n: 0, us: 0 };
          entry.n++;
          entry.us += d.user + d.system;
          statements.set(key, entry);
        }
      }
    };
  }
}
setDatabase(handle);
// --evaluator: the flag evaluator runs as in the app (woken by completed responses), and its work counts.
const evaluator = options.evaluator ? new FlagEvaluator(handle.db).start() : undefined;
setProcessFlagEvaluator(evaluator);
const queued = async () => Number((await selectRows<{ n: number }>(handle.db, sql`select count(*)::int as n from ${flagEvaluations}`))[0]?.n ?? 0);
const tokens = await seedSurveyWorkspace(handle, VISITS + WARMUP);
// --sql: statements run before measuring (e.g. to switch a trigger off and see what it costs).
for (const statement of options.sql ?? []) await handle.db.execute(sql.raw(statement));

async function visit(token: string) {
  for (const [step, answers] of STEP_ANSWERS.entries()) {
    const form = new URLSearchParams(`step=${step}&intent=next&lang=de&${answers}`);
    const reply = await surveyPostReply(
      { token, query: new URLSearchParams(`step=${step}`), clientAddress: '127.0.0.1', cookie: undefined, acceptLanguage: undefined },
      form,
    );
    if (reply.status !== 303) throw new Error(`step ${step}: ${reply.status} ${reply.body.slice(0, 200)}`);
  }
}

for (const token of tokens.slice(0, WARMUP)) await visit(token);
const session = options.profile ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
tracing = true;
const start = process.cpuUsage();
const wall = performance.now();
for (const token of tokens.slice(WARMUP)) await visit(token);
while (evaluator && (await queued()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
const cpu = process.cpuUsage(start);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(options.profile!, JSON.stringify(profile));
}
const ms = (cpu.user + cpu.system) / 1000;
const steps = VISITS * STEP_ANSWERS.length;
console.log(
  `${handle.driver}: ${steps} steps, CPU ${(ms / steps).toFixed(3)} ms/step (user ${(cpu.user / 1000 / steps).toFixed(3)}, system ${(cpu.system / 1000 / steps).toFixed(3)}), wall ${((performance.now() - wall) / steps).toFixed(3)} ms/step`,
);
for (const [key, { n, us }] of [...statements].sort((a, b) => b[1].us - a[1].us)) {
  console.log(`${(us / 1000 / steps).toFixed(3).padStart(7)} ms/step ${String(n).padStart(6)}× ${(us / n / 1000).toFixed(3)} ms  ${key}`);
}
await evaluator?.stop();
await handle.close();
if (dir && !options.dir) await rm(dir, { recursive: true, force: true });
