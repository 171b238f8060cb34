/**
 * What customers would miss, over time: per period, tier and free-text item,
 * the share of customers naming each theme, its Cochran–Armitage trend over
 * up to eight quarters, and the **eroding strengths** — themes of
 * `miss_most` whose share falls significantly.
 *
 * Counting rule: one response per customer and period (the latest completed
 * one, as for every figure; the caller passes only those). The share's
 * denominator is the customers whose counted response answers the item
 * (non-empty text), so a quarter in which fewer people write anything does
 * not look like every theme fading.
 *
 * The trend tests of one period form their own family (decision 0015 keeps
 * the signals' and the table's families as they were): Benjamini–Hochberg at
 * 0.05 over every `miss_most` theme trend of every scope. A trend is tested
 * only over quarters with at least `MIN_THEME_N` answers, so no finding
 * speaks of a share of fewer than 10 customers.
 */
import { cochranArmitage } from './exact-tests';
import { benjaminiHochbergOfPresent } from './multiple-comparisons';
import { MIN_TREND_PERIODS, quarterIndex, scopesOf, TREND_LOOKBACK_QUARTERS } from './period-trends';
import { MIN_DECISION_ANSWERS, SIGNIFICANCE_LEVEL } from './decision-rules';
import { latestPerCustomerAndPeriod } from './latest-responses';
import type { ResponseRow } from './response-row';
import { THEME_FIELDS, ThemeMatcher } from './themes';
import type { ThemeDefinition, ThemeField } from './themes';

/** Below this many answers a share is "too few answers" and never a finding. */
export const MIN_THEME_N = MIN_DECISION_ANSWERS;

/** One period, tier and item while counting; it becomes a table row once an answer reached it. */
interface CountCell {
  answered: number;
  named: number[];
  touched: boolean;
}

/** Per period, tier and item: answers, and answers naming each theme (by theme position). */
export class ThemeTablesAccumulator {
  /** Per period, per tier: one cell per item in `THEME_FIELDS` order. */
  private readonly cells = new Map<string, Map<string, CountCell[]>>();

  constructor(private readonly matcher: ThemeMatcher) {}

  /** Codes one counted response's free texts. */
  add(period: string, tier: string, texts: Partial<Record<ThemeField, string | null>>): void {
    this.count(period, tier, texts, 1);
  }

  /** Takes a response added before back out (a later one of its customer and period replaces it). */
  remove(period: string, tier: string, texts: Partial<Record<ThemeField, string | null>>): void {
    this.count(period, tier, texts, -1);
  }

  private count(period: string, tier: string, texts: Partial<Record<ThemeField, string | null>>, step: 1 | -1): void {
    let cells: CountCell[] | undefined;
    for (let fieldNumber = 0; fieldNumber < THEME_FIELDS.length; fieldNumber++) {
      const field = THEME_FIELDS[fieldNumber]!;
      const text = texts[field];
      if (text == null || isBlank(text)) continue;
      cells ??= this.cellsOf(period, tier);
      const cell = cells[fieldNumber]!;
      cell.touched = true;
      cell.answered += step;
      this.matcher.countThemesIn(text, field, cell.named, step);
    }
  }

  tables(): ThemeTables {
    const rows: ThemeTableRow[] = [];
    for (const [period, tiers] of this.cells) {
      for (const [tier, cells] of tiers) {
        THEME_FIELDS.forEach((field, index) => {
          const cell = cells[index]!;
          if (cell.touched) rows.push({ period, tier, field, answered: cell.answered, named: [...cell.named] });
        });
      }
    }
    return { themes: this.matcher.themes.map(({ key, name }) => ({ key, name })), rows };
  }

  /** The cells of one period and tier, one per item (a cell counts as a row once an answer reached it). */
  private cellsOf(period: string, tier: string): CountCell[] {
    let tiers = this.cells.get(period);
    if (tiers === undefined) {
      tiers = new Map();
      this.cells.set(period, tiers);
    }
    let cells = tiers.get(tier);
    if (cells === undefined) {
      cells = THEME_FIELDS.map(() => ({ answered: 0, named: new Array<number>(this.matcher.themes.length).fill(0), touched: false }));
      tiers.set(tier, cells);
    }
    return cells;
  }
}

/** Whether a text is empty or only white space (as `trim` sees it), without copying it. */
export function isBlank(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const space =
      code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
      code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
    if (!space) return false;
  }
  return true;
}

/** Coded answers as counts: the input of the theme report. */
export interface ThemeTables {
  themes: Pick<ThemeDefinition, 'key' | 'name'>[];
  rows: ThemeTableRow[];
}

export interface ThemeTableRow {
  period: string;
  tier: string;
  field: ThemeField;
  answered: number;
  /** Answers naming each theme, by theme position. */
  named: number[];
}

/** One theme in one scope and item of the analysed period. */
export interface ThemeShare {
  theme: string;
  /** Customers naming it. */
  count: number;
  /** count / n; null when n < 10 ("too few answers"). */
  share: number | null;
  /** The share per quarter of the trend window that has answers, oldest first (null below n = 10). */
  history: { period: string; n: number; count: number; share: number | null }[];
}

/** A `miss_most` theme's trend in one scope. */
export interface ThemeTrend {
  scope: string;
  theme: string;
  periods: string[];
  slope: number | null;
  z: number | null;
  p: number | null;
  pBH: number | null;
  /** z < 0 and pBH < 0.05: an eroding strength. */
  falling: boolean;
}

/** A strength wearing off, in plain words. */
export interface ErodingStrength {
  scope: string;
  theme: string;
  from: { period: string; share: number; n: number };
  to: { period: string; share: number; n: number };
  /** Quarters from the first to the last, both counted. */
  quarters: number;
}

/** The `themes` key of the analysis document. */
export interface ThemeReport {
  period: string;
  themes: { key: string; name: { de: string; en: string } }[];
  /** Per scope (`overall`, then each tier), per item: answers and each theme's share, in theme-list order. */
  byScope: Record<string, Record<ThemeField, { n: number; themes: ThemeShare[] }>>;
  /** Trends of `miss_most` themes, scope by scope in theme-list order; the family of the eroding strengths. */
  trends: ThemeTrend[];
  /** The falling trends, worded; largest fall first. */
  erodingStrengths: ErodingStrength[];
}

interface Cell {
  answered: number;
  named: number[];
}

function cellOf(tables: ThemeTables, period: string, tier: string | null, field: ThemeField): Cell {
  const cell: Cell = { answered: 0, named: new Array<number>(tables.themes.length).fill(0) };
  for (const row of tables.rows) {
    if (row.period !== period || row.field !== field || (tier !== null && row.tier !== tier)) continue;
    cell.answered += row.answered;
    row.named.forEach((count, index) => (cell.named[index]! += count));
  }
  return cell;
}

const shareOf = (count: number, n: number) => (n >= MIN_THEME_N ? count / n : null);

/**
 * The theme report of `period`: shares per scope and item, `miss_most`
 * trends over the window of up to eight quarters ending at `period`, and the
 * eroding strengths after the family control.
 */
export function computeThemeReport(period: string, tables: ThemeTables, tiers: readonly string[]): ThemeReport {
  const last = quarterIndex(period);
  const window = [...new Set(tables.rows.map((row) => row.period))]
    .filter((candidate) => quarterIndex(candidate) <= last && quarterIndex(candidate) >= last - TREND_LOOKBACK_QUARTERS)
    .sort((a, b) => quarterIndex(a) - quarterIndex(b));
  const byScope: ThemeReport['byScope'] = {};
  const trends: ThemeTrend[] = [];
  const trendPoints: { n: number; count: number; period: string }[][] = [];
  for (const { scope, tier } of scopesOf(tiers)) {
    const fields = {} as Record<ThemeField, { n: number; themes: ThemeShare[] }>;
    for (const field of THEME_FIELDS) {
      const cells = window.map((candidate) => ({ period: candidate, cell: cellOf(tables, candidate, tier, field) }));
      const current = cellOf(tables, period, tier, field);
      fields[field] = {
        n: current.answered,
        themes: tables.themes.map((theme, index) => ({
          theme: theme.key,
          count: current.named[index]!,
          share: shareOf(current.named[index]!, current.answered),
          history: cells
            .filter(({ cell }) => cell.answered > 0)
            .map(({ period: at, cell }) => ({ period: at, n: cell.answered, count: cell.named[index]!, share: shareOf(cell.named[index]!, cell.answered) })),
        })),
      };
      if (field !== 'missMost') continue;
      tables.themes.forEach((theme, index) => {
        const points = cells
          .filter(({ cell }) => cell.answered >= MIN_THEME_N)
          .map(({ period: at, cell }) => ({ period: at, n: cell.answered, count: cell.named[index]! }));
        if (points.length < MIN_TREND_PERIODS || points[points.length - 1]!.period !== period) return;
        const first = quarterIndex(points[0]!.period);
        const test = cochranArmitage(points.map((point) => ({ t: quarterIndex(point.period) - first, hits: point.count, trials: point.n })));
        trends.push({ scope, theme: theme.key, periods: points.map((point) => point.period), ...test, pBH: null, falling: false });
        trendPoints.push(points);
      });
    }
    byScope[scope] = fields;
  }
  const adjusted = benjaminiHochbergOfPresent(trends.map((trend) => trend.p));
  const erodingStrengths: ErodingStrength[] = [];
  trends.forEach((trend, index) => {
    trend.pBH = adjusted[index]!;
    trend.falling = trend.z !== null && trend.z < 0 && trend.pBH !== null && trend.pBH < SIGNIFICANCE_LEVEL;
    if (!trend.falling) return;
    const points = trendPoints[index]!;
    const from = points[0]!;
    const to = points[points.length - 1]!;
    erodingStrengths.push({
      scope: trend.scope,
      theme: trend.theme,
      from: { period: from.period, share: from.count / from.n, n: from.n },
      to: { period: to.period, share: to.count / to.n, n: to.n },
      quarters: quarterIndex(to.period) - quarterIndex(from.period) + 1,
    });
  });
  erodingStrengths.sort(
    (a, b) => b.from.share - b.to.share - (a.from.share - a.to.share) || (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0) || (a.theme < b.theme ? -1 : 1),
  );
  return { period, themes: tables.themes.map(({ key, name }) => ({ key, name })), byScope, trends, erodingStrengths };
}

/**
 * The theme report of `period` from response rows held in memory (tests, the
 * CLI's in-memory twin): only the latest row per customer and period counts.
 */
export function analyzeThemes(
  rows: readonly (ResponseRow)[],
  options: { period: string; tiers: readonly string[]; themes: readonly ThemeDefinition[] },
): ThemeReport {
  const accumulator = new ThemeTablesAccumulator(new ThemeMatcher(options.themes));
  for (const row of latestPerCustomerAndPeriod(rows)) accumulator.add(row.period, row.tier, row);
  return computeThemeReport(options.period, accumulator.tables(), options.tiers);
}
