/**
 * Theme figures of a workspace from its answers: the free texts of the
 * counted responses (the latest completed one per customer and period, as
 * for every figure) are read in one statement per call and coded in
 * memory. Coding is word-by-word with a per-word cache, so the cost is one
 * pass over the texts (tests/bench/themes.ts measures a quarter of 100,000).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { quarterIndex, TREND_LOOKBACK_QUARTERS } from '../analysis/period-trends';
import { computeThemeReport, ThemeTablesAccumulator, type ThemeReport, type ThemeTableRow, type ThemeTables } from '../analysis/theme-trends';
import { suggestPhrases, THEME_CODING_VERSION, type PhraseSuggestion, type ThemeMatcher } from '../analysis/themes';
import { periodsWithResponses, tierLabels } from '../reports/analysis.server';
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
 * Coded theme counts of single periods, kept in this process. A period's
 * entry is valid for its rollup version (the triggers of
 * db/migrations/0003_rollup-triggers.sql bump it when any completed response
 * or tier assignment of the period changes), the coding rule's version, the
 * theme list and the tier labels it was coded with, so the review codes a quarter's texts once and
 * not on every view. The version is read before the texts: a change landing
 * meanwhile leaves the entry behind its version and the next read codes again.
 */
const codedPeriods = new Map<string, ThemeTableRow[]>();
const CODED_PERIODS_KEPT = 512;

function rememberCoded(key: string, rows: ThemeTableRow[]): void {
  codedPeriods.delete(key);
  codedPeriods.set(key, rows);
  // The oldest entries go first (a Map keeps insertion order; a hit re-inserts).
  while (codedPeriods.size > CODED_PERIODS_KEPT) codedPeriods.delete(codedPeriods.keys().next().value!);
}

async function tablesVersions(db: Database, workspaceId: string, periods: readonly string[]): Promise<Map<string, number>> {
  if (periods.length === 0) return new Map();
  const rows = await selectRows<{ period: string; version: string | number }>(
    db,
    sql`select period, tables_version as version from period_rollup_versions
        where workspace_id = ${workspaceId} and period in (${sql.join(periods.map((period) => sql`${period}`), sql`, `)})`,
  );
  return new Map(rows.map((row) => [row.period, Number(row.version)]));
}

/** The theme report of `period`: shares per tier, `miss_most` trends over up to eight quarters, eroding strengths. */
export async function themeReportOf(db: Database, workspaceId: string, period: string, matcher?: ThemeMatcher): Promise<ThemeReport> {
  const [tiers, periods, themeMatcher] = await Promise.all([
    tierLabels(db, workspaceId),
    periodsWithResponses(db, workspaceId),
    matcher ?? workspaceThemeMatcher(db, workspaceId),
  ]);
  const last = quarterIndex(period);
  const window = periods.filter((candidate) => quarterIndex(candidate) <= last && quarterIndex(candidate) >= last - TREND_LOOKBACK_QUARTERS);
  const versions = await tablesVersions(db, workspaceId, window);
  const coding = createHash('sha256').update(JSON.stringify([THEME_CODING_VERSION, themeMatcher.themes, tiers])).digest('base64url');
  const keyOf = (candidate: string) => `${workspaceId}\u0000${candidate}\u0000${versions.get(candidate) ?? 0}\u0000${coding}`;
  const missing = window.filter((candidate) => !codedPeriods.has(keyOf(candidate)));
  if (missing.length > 0) {
    const accumulator = new ThemeTablesAccumulator(themeMatcher);
    for (const row of await countedTexts(db, workspaceId, missing)) accumulator.add(row.period, row.tier, row);
    const coded = accumulator.tables().rows;
    for (const candidate of missing) rememberCoded(keyOf(candidate), coded.filter((row) => row.period === candidate));
  }
  const rows = window.flatMap((candidate) => {
    const key = keyOf(candidate);
    const entry = codedPeriods.get(key)!;
    rememberCoded(key, entry);
    return entry;
  });
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
