/**
 * Theme figures of a workspace from its answers: the free texts of the
 * counted responses (the latest completed one per customer and period, as
 * for every figure), coded word by word with a per-word cache (one pass over
 * the texts; tests/bench/themes.ts measures a quarter of 100,000). The
 * review's counts are kept by difference (app/themes/theme-rollups.server.ts,
 * decision 0038): a quarter is coded in full once, then per changed customer.
 */
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { quarterIndex, TREND_LOOKBACK_QUARTERS } from '../analysis/period-trends';
import { computeThemeReport, ThemeTablesAccumulator, type ThemeReport, type ThemeTableRow, type ThemeTables } from '../analysis/theme-trends';
import { suggestPhrases, type PhraseSuggestion, type ThemeMatcher } from '../analysis/themes';
import { periodsWithResponses, tierLabels } from '../reports/analysis.server';
import { currentPeriodTables } from '../reports/rollups.server';
import { storedThemeRows, themeCodingOf, workspaceThemeCoding, type StoredThemeRow, type ThemeCoding } from './theme-rollups.server';
import { workspaceThemeMatcher } from './themes.server';

interface CountedTexts {
  period: string;
  tier: string;
  missMost: string | null;
  alternative: string | null;
  improve: string | null;
}

/** Free texts of the counted responses of `periods`, with the tier each counts under. */
export async function countedTexts(db: Database, workspaceId: string, periods: readonly string[]): Promise<CountedTexts[]> {
  if (periods.length === 0) return [];
  return selectRows<CountedTexts>(
    db,
    sql`select distinct on (r.period, r.customer_id) r.period, wt.label as tier,
          r.miss_most as "missMost", r.alternative, r.improve
        from responses r
        join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
        join workspace_tiers wt on wt.id = ta.tier_id
        where r.workspace_id = ${workspaceId} and r.status = 'completed'
          and r.period in (${sql.join(periods.map((period) => sql`${period}`), sql`, `)})
        order by r.period, r.customer_id, r.completed_at desc, r.id desc`,
  );
}

/**
 * The stored theme counts of `periods` (decision 0038): kept by difference
 * by the rollup reader, so a new answer costs the coding of its own texts,
 * not the quarter's. One statement reads the counts, their coding and
 * whether customers are queued; a period with queued customers, or whose
 * counts are not kept for `coding`, goes through the reader's drain
 * (`currentPeriodTables`), which codes what it must under the period's lock.
 */
export async function storedThemeTables(db: Database, workspaceId: string, periods: readonly string[], coding: ThemeCoding): Promise<ThemeTableRow[]> {
  if (periods.length === 0) return [];
  const read = (wanted: readonly string[]) =>
    selectRows<{ period: string; themes: unknown; coding: string | null; queued: boolean }>(
      db,
      sql`select p.period, pr.themes, pr.themes_coding as coding,
            exists (select 1 from period_rollup_queue q where q.workspace_id = ${workspaceId} and q.period = p.period) as queued
          from (values ${sql.join(wanted.map((period) => sql`(${period})`), sql`, `)}) as p(period)
          left join period_rollups pr on pr.workspace_id = ${workspaceId} and pr.period = p.period`,
    );
  const rows = new Map<string, StoredThemeRow[]>();
  let pending = [...periods];
  // After this reader's own drain, the counts hold every change committed before it: customers queued since (answers keep
  // arriving) wait for the next reader. A reader of the tables alone may have dropped them meanwhile (a recount): a few
  // rounds, then coded here.
  for (let round = 0; round < 3 && pending.length > 0; round += 1) {
    for (const row of await read(pending)) {
      const stored = (round > 0 || !row.queued) && row.coding === coding.key ? storedThemeRows(row.themes) : null;
      if (stored !== null) rows.set(row.period, stored);
    }
    pending = pending.filter((period) => !rows.has(period));
    if (round < 2) for (const period of pending) await currentPeriodTables(db, workspaceId, period, { themes: coding });
  }
  if (pending.length > 0) {
    const accumulator = new ThemeTablesAccumulator(coding.matcher);
    for (const row of await countedTexts(db, workspaceId, pending)) accumulator.add(row.period, row.tier, row);
    return [...periods.filter((period) => rows.has(period)).flatMap((period) => rows.get(period)!.map((row) => ({ period, ...row }))), ...accumulator.tables().rows];
  }
  return periods.flatMap((period) => rows.get(period)!.map((row) => ({ period, ...row })));
}

/** The theme report of `period`: shares per tier, `miss_most` trends over up to eight quarters, eroding strengths. */
export async function themeReportOf(db: Database, workspaceId: string, period: string, matcher?: ThemeMatcher): Promise<ThemeReport> {
  const [tiers, periods, coding] = await Promise.all([
    tierLabels(db, workspaceId),
    periodsWithResponses(db, workspaceId),
    matcher ? themeCodingOf(matcher) : workspaceThemeCoding(db, workspaceId),
  ]);
  const themeMatcher = coding.matcher;
  const last = quarterIndex(period);
  const window = periods.filter((candidate) => quarterIndex(candidate) <= last && quarterIndex(candidate) >= last - TREND_LOOKBACK_QUARTERS);
  const rows = await storedThemeTables(db, workspaceId, window, coding);
  const tables: ThemeTables = { themes: themeMatcher.themes.map(({ key, name }) => ({ key, name })), rows };
  return computeThemeReport(period, tables, tiers);
}

/** Frequent phrases no theme covers, in the latest quarter with answers. */
export async function latestThemeSuggestions(db: Database, workspaceId: string): Promise<{ period: string | null; phrases: PhraseSuggestion[] }> {
  const periods = await periodsWithResponses(db, workspaceId);
  const period = periods[periods.length - 1] ?? null;
  if (period === null) return { period, phrases: [] };
  const [matcher, rows] = await Promise.all([workspaceThemeMatcher(db, workspaceId), countedTexts(db, workspaceId, [period])]);
  const texts = rows.flatMap((row) => [row.missMost, row.alternative, row.improve]).filter((text): text is string => text !== null && text.trim() !== '');
  return { period, phrases: suggestPhrases(matcher, texts) };
}
