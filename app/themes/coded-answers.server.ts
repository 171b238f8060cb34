/**
 * Theme figures of a workspace from its answers: the free texts of the
 * counted responses (the latest completed one per customer and period, as
 * for every figure) are read in one statement per call and coded in
 * memory. Coding is word-by-word with a per-word cache, so the cost is one
 * pass over the texts (tests/bench/themes.ts measures a quarter of 100,000).
 */
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { quarterIndex, TREND_LOOKBACK_QUARTERS } from '../analysis/period-trends';
import { computeThemeReport, ThemeTablesAccumulator, type ThemeReport } from '../analysis/theme-trends';
import { suggestPhrases, type PhraseSuggestion, type ThemeMatcher } from '../analysis/themes';
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

/** The theme report of `period`: shares per tier, `miss_most` trends over up to eight quarters, eroding strengths. */
export async function themeReportOf(db: Database, workspaceId: string, period: string, matcher?: ThemeMatcher): Promise<ThemeReport> {
  const [tiers, periods, themeMatcher] = await Promise.all([
    tierLabels(db, workspaceId),
    periodsWithResponses(db, workspaceId),
    matcher ?? workspaceThemeMatcher(db, workspaceId),
  ]);
  const last = quarterIndex(period);
  const window = periods.filter((candidate) => quarterIndex(candidate) <= last && quarterIndex(candidate) >= last - TREND_LOOKBACK_QUARTERS);
  const accumulator = new ThemeTablesAccumulator(themeMatcher);
  for (const row of await countedTexts(db, workspaceId, window)) accumulator.add(row.period, row.tier, row);
  return computeThemeReport(period, accumulator.tables(), tiers);
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
