/**
 * The headline figures of one scope (a whole period or one tier) from the
 * frequency tables. A figure without answers is `null` and its `n` is 0.
 */
import { wilsonInterval } from './proportions';
import { PTI_SCALE } from './response-row';
import type { MissUsAnswer, PeriodTables, ScaleItem } from './tables';

/** Headline figures of one scope; shares are proportions in [0, 1]. */
export interface Metrics {
  responses: number;
  /** Share of "very" among very/somewhat/not, with its 95 % Wilson interval. */
  missUs: { score: number | null; low: number | null; high: number | null; n: number };
  /** Share of "not" among very/somewhat/not. */
  wouldNotMiss: { share: number | null; n: number };
  pti: { mean: number | null; n: number };
  benefit: { mean: number | null; n: number };
  csat: { mean: number | null; n: number };
  /** % of 9–10 minus % of 0–6, from −100 to 100. */
  nps: { score: number | null; n: number };
}

/** Miss-us answer counts of one scope. */
export type MissUsTally = Record<MissUsAnswer, number>;

/** Whether a table row belongs to the scope: one tier, or all (`null`). */
function inScope(tier: string | null): (row: { tier: string }) => boolean {
  return tier === null ? () => true : (row) => row.tier === tier;
}

/** Miss-us answers of a scope (`tier` null = every tier). */
export function missUsTally(tables: PeriodTables, tier: string | null): MissUsTally {
  const tally: MissUsTally = { very: 0, somewhat: 0, not: 0, na: 0 };
  for (const row of tables.missUs.filter(inScope(tier))) tally[row.missUs] += row.count;
  return tally;
}

/** Answers that count towards the miss-us score (all but "does not apply"). */
export function missUsAnswered(tally: MissUsTally): number {
  return tally.very + tally.somewhat + tally.not;
}

/** The metrics of one scope of a period (`tier` null = the whole period). */
export function computeMetrics(tables: PeriodTables, tier: string | null): Metrics {
  const matches = inScope(tier);
  const tally = missUsTally(tables, tier);
  const answered = missUsAnswered(tally);
  const interval = answered > 0 ? wilsonInterval(tally.very, answered) : null;
  const scale = (item: ScaleItem) => tables.scales.filter((row) => row.item === item && matches(row));
  // Summing twelfths keeps the sum exact; one division at the end.
  const ptiTwelfths = meanOf(tables.pti.filter(matches).map(({ ptiTwelfths: value, count }) => ({ value, count })));
  return {
    responses: sumCounts(tables.responses.filter(matches)),
    missUs: {
      score: answered > 0 ? tally.very / answered : null,
      low: interval?.low ?? null,
      high: interval?.high ?? null,
      n: answered,
    },
    wouldNotMiss: { share: answered > 0 ? tally.not / answered : null, n: answered },
    pti: { mean: ptiTwelfths.mean === null ? null : ptiTwelfths.mean / PTI_SCALE, n: ptiTwelfths.n },
    benefit: meanOf(scale('benefit')),
    csat: meanOf(scale('csat')),
    nps: netPromoterScore(scale('recommend')),
  };
}

function sumCounts(rows: readonly { count: number }[]): number {
  return rows.reduce((total, row) => total + row.count, 0);
}

function meanOf(rows: readonly { value: number; count: number }[]): { mean: number | null; n: number } {
  const n = sumCounts(rows);
  const sum = rows.reduce((total, row) => total + row.value * row.count, 0);
  return { mean: n > 0 ? sum / n : null, n };
}

function netPromoterScore(rows: readonly { value: number; count: number }[]): { score: number | null; n: number } {
  const n = sumCounts(rows);
  const promoters = sumCounts(rows.filter((row) => row.value >= 9));
  const detractors = sumCounts(rows.filter((row) => row.value <= 6));
  return { score: n > 0 ? (100 * (promoters - detractors)) / n : null, n };
}
