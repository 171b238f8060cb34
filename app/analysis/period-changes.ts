/**
 * How a scope (a whole period or one tier) changed against the previous
 * period, with a test for each figure: proportions with the pooled
 * two-proportion z test, 1–5 means with Mann–Whitney U (the answers are
 * ordinal). NPS has no test here; its change is shown without a mark.
 */
import { computeMetrics, missUsTally, missUsAnswered } from './metrics';
import { twoProportionZTest } from './proportions';
import { mannWhitneyU, type ValueCount } from './rank-statistics';
import type { PeriodTables, ScaleItem } from './tables';

export const CHANGE_SIGNIFICANCE = 0.05;

export interface Change {
  previous: number | null;
  current: number | null;
  /** current − previous, or null when either is missing. */
  delta: number | null;
  /** Two-sided p of the change, or null without a test. */
  p: number | null;
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

function change(previous: number | null, current: number | null, p: number | null): Change {
  const finiteP = p !== null && Number.isFinite(p) ? p : null;
  return {
    previous,
    current,
    delta: previous !== null && current !== null ? current - previous : null,
    p: finiteP,
    significant: finiteP !== null && finiteP < CHANGE_SIGNIFICANCE,
  };
}

function proportionChange(hitsNow: number, nNow: number, hitsBefore: number, nBefore: number): Change {
  const now = nNow > 0 ? hitsNow / nNow : null;
  const before = nBefore > 0 ? hitsBefore / nBefore : null;
  const testable = nNow > 0 && nBefore > 0 && hitsNow <= nNow && hitsBefore <= nBefore;
  const p = testable ? twoProportionZTest(hitsNow, nNow, hitsBefore, nBefore).p : null;
  return change(before, now, p);
}

function distributionChange(before: ValueCount[], now: ValueCount[], scale: number): Change {
  const mean = (counts: ValueCount[]) => {
    const n = counts.reduce((sum, row) => sum + row.count, 0);
    return n > 0 ? counts.reduce((sum, row) => sum + row.value * row.count, 0) / n / scale : null;
  };
  const p = before.length > 0 && now.length > 0 ? mannWhitneyU(now, before).p : null;
  return change(mean(before), mean(now), p);
}

const inScope = (tier: string | null) => (row: { tier: string }) => tier === null || row.tier === tier;

function ptiCounts(tables: PeriodTables, tier: string | null): ValueCount[] {
  return tables.pti.filter(inScope(tier)).map((row) => ({ value: row.ptiTwelfths, count: row.count }));
}

function scaleCounts(tables: PeriodTables, tier: string | null, item: ScaleItem): ValueCount[] {
  return tables.scales.filter((row) => row.item === item && inScope(tier)(row)).map((row) => ({ value: row.value, count: row.count }));
}

/** Changes of one scope (`tier` null = the whole period) from the previous period to the current one. */
export function periodChanges(
  current: PeriodTables,
  previous: PeriodTables,
  tier: string | null,
  responses: { current: Responses; previous: Responses },
): PeriodChanges {
  const now = missUsTally(current, tier);
  const before = missUsTally(previous, tier);
  return {
    missUs: proportionChange(now.very, missUsAnswered(now), before.very, missUsAnswered(before)),
    wouldNotMiss: proportionChange(now.not, missUsAnswered(now), before.not, missUsAnswered(before)),
    pti: distributionChange(ptiCounts(previous, tier), ptiCounts(current, tier), 12),
    benefit: distributionChange(scaleCounts(previous, tier, 'benefit'), scaleCounts(current, tier, 'benefit'), 1),
    csat: distributionChange(scaleCounts(previous, tier, 'csat'), scaleCounts(current, tier, 'csat'), 1),
    nps: change(computeMetrics(previous, tier).nps.score, computeMetrics(current, tier).nps.score, null),
    responseRate: proportionChange(
      responses.current.completed,
      responses.current.delivered,
      responses.previous.completed,
      responses.previous.delivered,
    ),
  };
}
