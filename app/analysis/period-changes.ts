/**
 * How a scope (a whole period or one tier) changed against the previous
 * period, with a test for each figure: shares with Fisher's exact test
 * (honest with small samples), 1–5 means with Mann–Whitney U (the answers
 * are ordinal). NPS has no test here; its change is shown without a mark.
 *
 * The review table marks a change ▲▼ only after `markChanges` has adjusted
 * all of a quarter's tests together (Benjamini–Hochberg): with two dozen
 * tests a quarter, an unadjusted 5 % level marked a change in most quarters
 * even when nothing changed at all.
 */
import { fisherExactP } from './exact-tests';
import { computeMetrics, missUsTally, missUsAnswered } from './metrics';
import { benjaminiHochbergOfPresent } from './multiple-comparisons';
import { mannWhitneyU, totalOf, type ValueCount } from './rank-statistics';
import type { PeriodTables, ScaleItem } from './tables';

/** Adjusted p below which a change is marked. */
export const CHANGE_SIGNIFICANCE = 0.05;
/** Figures with fewer answers are not shown, so their changes are not tested. */
export const MIN_CHANGE_ANSWERS = 10;

export interface Change {
  previous: number | null;
  current: number | null;
  /** current − previous, or null when either is missing. */
  delta: number | null;
  /** Answers behind each figure (for the response rate: customers invited and delivered). */
  nPrevious: number;
  nCurrent: number;
  /** Two-sided p of the change, or null without a test (or with fewer than 10 answers on a side). */
  p: number | null;
  /** p adjusted over the quarter's family of change tests; null outside it. */
  pBH: number | null;
  /** Marked ▲▼: pBH < 0.05. */
  significant: boolean;
}

export interface Responses {
  completed: number;
  delivered: number;
}

export interface PeriodChanges {
  missUs: Change;
  wouldNotMiss: Change;
  pti: Change;
  benefit: Change;
  csat: Change;
  nps: Change;
  responseRate: Change;
}

/** The figures of PeriodChanges, in table order. */
export const CHANGE_FIGURES = ['missUs', 'wouldNotMiss', 'pti', 'benefit', 'csat', 'nps', 'responseRate'] as const;

function change(
  previous: number | null,
  current: number | null,
  sizes: { nPrevious: number; nCurrent: number },
  test: () => number,
  testable: boolean,
): Change {
  const enough = sizes.nPrevious >= MIN_CHANGE_ANSWERS && sizes.nCurrent >= MIN_CHANGE_ANSWERS;
  const p = testable && enough ? test() : null;
  return {
    previous,
    current,
    delta: previous !== null && current !== null ? current - previous : null,
    ...sizes,
    p: p !== null && Number.isFinite(p) ? p : null,
    pBH: null,
    significant: false,
  };
}

function proportionChange(hitsNow: number, nNow: number, hitsBefore: number, nBefore: number): Change {
  const now = nNow > 0 ? hitsNow / nNow : null;
  const before = nBefore > 0 ? hitsBefore / nBefore : null;
  const testable = nNow > 0 && nBefore > 0 && hitsNow <= nNow && hitsBefore <= nBefore;
  return change(
    before,
    now,
    { nPrevious: nBefore, nCurrent: nNow },
    () => fisherExactP(hitsNow, nNow - hitsNow, hitsBefore, nBefore - hitsBefore),
    testable,
  );
}

function distributionChange(before: ValueCount[], now: ValueCount[], scale: number): Change {
  const mean = (counts: ValueCount[]) => {
    const n = totalOf(counts);
    return n > 0 ? counts.reduce((sum, row) => sum + row.value * row.count, 0) / n / scale : null;
  };
  return change(
    mean(before),
    mean(now),
    { nPrevious: totalOf(before), nCurrent: totalOf(now) },
    () => mannWhitneyU(now, before).p,
    before.length > 0 && now.length > 0,
  );
}

const inScope = (tier: string | null) => (row: { tier: string }) => tier === null || row.tier === tier;

function ptiCounts(tables: PeriodTables, tier: string | null): ValueCount[] {
  return tables.pti.filter(inScope(tier)).map((row) => ({ value: row.ptiTwelfths, count: row.count }));
}

function scaleCounts(tables: PeriodTables, tier: string | null, item: ScaleItem): ValueCount[] {
  return tables.scales.filter((row) => row.item === item && inScope(tier)(row)).map((row) => ({ value: row.value, count: row.count }));
}

/**
 * Changes of one scope (`tier` null = the whole period) from the previous
 * period to the current one, tested but not yet marked (see `markChanges`).
 */
export function periodChanges(
  current: PeriodTables,
  previous: PeriodTables,
  tier: string | null,
  responses: { current: Responses; previous: Responses },
): PeriodChanges {
  const now = missUsTally(current, tier);
  const before = missUsTally(previous, tier);
  const npsNow = computeMetrics(current, tier).nps;
  const npsBefore = computeMetrics(previous, tier).nps;
  return {
    missUs: proportionChange(now.very, missUsAnswered(now), before.very, missUsAnswered(before)),
    wouldNotMiss: proportionChange(now.not, missUsAnswered(now), before.not, missUsAnswered(before)),
    pti: distributionChange(ptiCounts(previous, tier), ptiCounts(current, tier), 12),
    benefit: distributionChange(scaleCounts(previous, tier, 'benefit'), scaleCounts(current, tier, 'benefit'), 1),
    csat: distributionChange(scaleCounts(previous, tier, 'csat'), scaleCounts(current, tier, 'csat'), 1),
    nps: change(npsBefore.score, npsNow.score, { nPrevious: npsBefore.n, nCurrent: npsNow.n }, () => Number.NaN, false),
    responseRate: proportionChange(
      responses.current.completed,
      responses.current.delivered,
      responses.previous.completed,
      responses.previous.delivered,
    ),
  };
}

/**
 * Marks the changes of one quarter: every tested change of every scope is
 * one family, adjusted with Benjamini–Hochberg; a change is marked when its
 * adjusted p is below 0.05. Returns new objects; the input is not changed.
 */
export function markChanges(scopes: readonly PeriodChanges[]): PeriodChanges[] {
  const family = scopes.flatMap((scope) => CHANGE_FIGURES.map((figure) => scope[figure].p));
  const adjusted = benjaminiHochbergOfPresent(family);
  let next = 0;
  return scopes.map((scope) => {
    const marked = {} as PeriodChanges;
    for (const figure of CHANGE_FIGURES) {
      const pBH = adjusted[next++] ?? null;
      marked[figure] = { ...scope[figure], pBH, significant: pBH !== null && pBH < CHANGE_SIGNIFICANCE };
    }
    return marked;
  });
}
