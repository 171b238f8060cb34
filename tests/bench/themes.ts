/**
 * Theme coding speed (issue 18: a quarter of 100,000 responses under 2 s on
 * PostgreSQL):
 *   - the busiest quarter of the large data set, end to end: its counted
 *     free texts read from PostgreSQL, coded with the starter themes, shares,
 *     trends and eroding strengths computed;
 *   - the coding alone of 100,000 varied answers (demo sentences with
 *     numbers and names mixed in, so the per-word cache sees new words), in
 *     memory, as the part that grows with the answers' variety.
 * Run: npm run bench:themes [-- --seed]   (--seed creates the large data set first)
 */
import { eq, sql } from 'drizzle-orm';
import { computeThemeReport, ThemeTablesAccumulator } from '../../app/analysis/theme-trends';
import { STARTER_THEMES } from '../../app/analysis/theme-starter';
import { ThemeMatcher } from '../../app/analysis/themes';
import { countedTexts } from '../../app/themes/coded-answers.server';
import { openDatabase, selectRows } from '../../db/client.server';
import { workspaces } from '../../db/schema';
import { missMost, improvements, reachabilityMissMost } from '../../db/seed/demo-data';
import { createLargeWorkspace, LARGE } from '../../db/seed/large.server';
import { seededRandom } from '../../db/seed/random';
import { benchUrl, ensureDatabase, machine, printTable, recordFigure, time } from './support';

const TARGET_MS = 2000;

function variedAnswers(count: number): string[] {
  const rng = seededRandom(18);
  const pools = [...missMost.very.de, ...missMost.very.en, ...missMost.somewhat.de, ...reachabilityMissMost.de, ...reachabilityMissMost.en, ...improvements.de];
  return Array.from({ length: count }, (_, index) => `${rng.pick(pools)} Projekt ${index % 997} ${rng.pick(pools).split(' ').slice(0, 4).join(' ')} Nr${rng.int(50_000)}`);
}

async function main() {
  const rows: Array<{ what: string; figure: string; target?: string }> = [];

  const texts = variedAnswers(100_000);
  const coding = await time(async () => {
    const matcher = new ThemeMatcher(STARTER_THEMES);
    const accumulator = new ThemeTablesAccumulator(matcher);
    texts.forEach((text, index) => accumulator.add('2026-Q4', ['A', 'B', 'C'][index % 3]!, { missMost: text }));
    return computeThemeReport('2026-Q4', accumulator.tables(), ['A', 'B', 'C']);
  });
  rows.push({ what: 'coding 100,000 varied answers in memory', figure: `${coding.ms.toFixed(0)} ms` });
  recordFigure({ key: 'themes_coding_100k', label: 'theme coding, 100,000 answers in memory', value: coding.ms, unit: 'ms', better: 'lower' });

  await ensureDatabase(benchUrl);
  const handle = await openDatabase({ driver: 'postgres', url: benchUrl, maxConnections: 4 });
  try {
    const { db } = handle;
    let [workspace] = await db.select().from(workspaces).where(eq(workspaces.slug, LARGE.slug));
    if (!workspace || process.argv.includes('--seed')) {
      console.error('Creating the large data set (200,000 customers, 1,000,000 responses)…');
      await createLargeWorkspace(benchUrl, { log: (line) => console.error(`  ${line}`) });
      [workspace] = await db.select().from(workspaces).where(eq(workspaces.slug, LARGE.slug));
    }
    const workspaceId = workspace!.id;
    const [busiest] = await selectRows<{ period: string; n: number }>(
      db,
      sql`select period, count(distinct customer_id)::int as n from responses
          where workspace_id = ${workspaceId} and status = 'completed' group by period order by 2 desc, 1 desc limit 1`,
    );
    const matcher = new ThemeMatcher(STARTER_THEMES);
    const runs: number[] = [];
    for (let run = 0; run < 3; run++) {
      const measured = await time(async () => {
        const accumulator = new ThemeTablesAccumulator(matcher);
        for (const row of await countedTexts(db, workspaceId, [busiest!.period])) accumulator.add(row.period, row.tier, row);
        return computeThemeReport(busiest!.period, accumulator.tables(), ['A', 'B', 'C']);
      });
      runs.push(measured.ms);
    }
    const best = Math.min(...runs);
    rows.push({
      what: `themes of ${busiest!.period} (${busiest!.n.toLocaleString('en')} responses) on PostgreSQL, best of 3`,
      figure: `${best.toFixed(0)} ms`,
      target: `< ${TARGET_MS} ms`,
    });
    recordFigure({ key: 'themes_quarter_postgres', label: 'themes of a quarter on PostgreSQL', value: best, unit: 'ms', target: TARGET_MS, better: 'lower' });
  } finally {
    await handle.close();
  }
  console.log(machine());
  printTable(rows);
}

await main();
