/**
 * What stands out in a quarter, as structured findings that the pages turn
 * into plain sentences (app/ui/findings.ts). A finding exists only when the
 * quarter's family-controlled decision holds (signals.ts; its thresholds in decision-rules.ts) and every figure
 * it speaks of has at least 10 answers; its statistics travel along for
 * those who want them, never in the sentence.
 */
import type { Metrics } from './metrics';
import type { PeriodReview } from './period-review';
import { MIN_DECISION_ANSWERS, SIGNIFICANCE_LEVEL } from './decision-rules';
import type { DriverItem } from './tables';

/** A share with its n and 95 % interval. */
export interface ShareFigure {
  score: number;
  low: number;
  high: number;
  n: number;
}

export type Finding =
  | {
      kind: 'segmentationVisible';
      period: string;
      top: string;
      bottom: string;
      topPti: number;
      bottomPti: number;
      topN: number;
      bottomN: number;
      stats: { p: number; pBH: number; cliffsDelta: number };
    }
  | {
      kind: 'missUsGap';
      period: string;
      /** Which tier would miss the business more. */
      higher: 'top' | 'bottom';
      top: string;
      bottom: string;
      topScore: ShareFigure;
      bottomScore: ShareFigure;
      stats: { fisherP: number; pBH: number; difference: number; low: number; high: number };
    }
  | {
      kind: 'fallingTrend';
      period: string;
      /** `overall` or a tier. */
      scope: string;
      score: ShareFigure;
      /** Quarters the trend spans, first to last. */
      quarters: number;
      stats: { slope: number; z: number; p: number; pBH: number };
    }
  | {
      kind: 'drop';
      period: string;
      scope: string;
      previousPeriod: string;
      previous: number;
      nPrevious: number;
      score: ShareFigure;
      stats: { fisherP: number; pBH: number };
    }
  | {
      kind: 'tierDriver';
      period: string;
      tier: string;
      item: DriverItem;
      /** The item's share of what the five items explain in this tier. */
      share: number;
      n: number;
      stats: { shares: Array<{ item: DriverItem; share: number }>; rSquared: number; lead: { difference: number; low: number; high: number } };
    }
  | {
      kind: 'drivers';
      period: string;
      /** Items that go together with missing the business, strongest first. */
      items: DriverItem[];
      stats: Array<{ item: DriverItem; rho: number; pBH: number; n: number }>;
    };

function shareOf(metrics: Metrics): ShareFigure | null {
  const { score, low, high, n } = metrics.missUs;
  return score === null || low === null || high === null ? null : { score, low, high, n };
}

function quartersBetween(first: string, last: string): number {
  const index = (period: string) => Number(period.slice(0, 4)) * 4 + Number(period.slice(-1));
  return index(last) - index(first) + 1;
}

/** The findings of one quarter, in reading order. */
export function periodFindings(review: PeriodReview, tiers: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const { signals, period } = review;
  const metricsOf = (scope: string) =>
    scope === 'overall' ? review.overall.metrics : review.byTier.find((entry) => entry.tier === scope)?.metrics;

  const { pti } = signals;
  if (pti.segmentationVisible && pti.kruskal) {
    const withPti = tiers.filter((tier) => (metricsOf(tier)?.pti.n ?? 0) > 0);
    const top = withPti[0]!;
    const bottom = withPti[withPti.length - 1]!;
    const extremes = pti.pairwise.find((pair) => pair.a === top && pair.b === bottom);
    findings.push({
      kind: 'segmentationVisible',
      period,
      top,
      bottom,
      topPti: metricsOf(top)!.pti.mean!,
      bottomPti: metricsOf(bottom)!.pti.mean!,
      topN: metricsOf(top)!.pti.n,
      bottomN: metricsOf(bottom)!.pti.n,
      stats: { p: pti.kruskal.p, pBH: pti.kruskal.pBH, cliffsDelta: extremes?.cliffsDelta ?? 0 },
    });
  }

  const comparison = signals.missUsTopVsBottom;
  if (comparison && comparison.pBH !== null && comparison.pBH < SIGNIFICANCE_LEVEL && comparison.difference !== 0) {
    const topScore = shareOf(metricsOf(comparison.top)!);
    const bottomScore = shareOf(metricsOf(comparison.bottom)!);
    // `pays` already needs 10 answers each; the inverse finding needs the same.
    const enough = topScore !== null && bottomScore !== null && topScore.n >= MIN_DECISION_ANSWERS && bottomScore.n >= MIN_DECISION_ANSWERS;
    if (enough && (comparison.pays || comparison.difference < 0)) {
      findings.push({
        kind: 'missUsGap',
        period,
        higher: comparison.difference > 0 ? 'top' : 'bottom',
        top: comparison.top,
        bottom: comparison.bottom,
        topScore,
        bottomScore,
        stats: { fisherP: comparison.fisherP, pBH: comparison.pBH, difference: comparison.difference, low: comparison.low, high: comparison.high },
      });
    }
  }

  // Erosion: a trend when the trend test says so, else a single drop when that drop holds.
  for (const scope of ['overall', ...tiers]) {
    const score = metricsOf(scope) ? shareOf(metricsOf(scope)!) : null;
    if (score === null || score.n < MIN_DECISION_ANSWERS) continue;
    const trend = signals.trend.find((check) => check.scope === scope);
    if (trend?.falling) {
      findings.push({
        kind: 'fallingTrend',
        period,
        scope,
        score,
        quarters: quartersBetween(trend.periods[0]!, trend.periods[trend.periods.length - 1]!),
        stats: { slope: trend.slope!, z: trend.z!, p: trend.p!, pBH: trend.pBH! },
      });
      continue;
    }
    const drop = signals.eroding.find((check) => check.scope === scope);
    if (drop?.eroding && review.previousPeriod) {
      findings.push({
        kind: 'drop',
        period,
        scope,
        previousPeriod: review.previousPeriod,
        previous: drop.previous,
        nPrevious: drop.nPrevious,
        score,
        stats: { fisherP: drop.fisherP, pBH: drop.pBH! },
      });
    }
  }

  const drivers = signals.drivers
    .filter((driver) => driver.rho !== null && driver.rho > 0 && driver.pBH !== null && driver.pBH < SIGNIFICANCE_LEVEL)
    .filter((driver) => driver.n >= MIN_DECISION_ANSWERS)
    .sort((a, b) => b.rho! - a.rho!);
  if (drivers.length > 0) {
    findings.push({
      kind: 'drivers',
      period,
      items: drivers.map((driver) => driver.item),
      stats: drivers.map((driver) => ({ item: driver.item, rho: driver.rho!, pBH: driver.pBH!, n: driver.n })),
    });
    // Per tier, only a leader whose lead is stable and which goes WITH missing the business.
    for (const { importance, correlations } of review.drivers) {
      const leader = importance.leader;
      const rho = correlations.find((driver) => driver.item === leader)?.rho ?? null;
      if (leader === null || rho === null || rho <= 0) continue;
      findings.push({
        kind: 'tierDriver',
        period,
        tier: importance.tier,
        item: leader,
        share: importance.shares.find((entry) => entry.item === leader)!.share,
        n: importance.n,
        stats: { shares: importance.shares, rSquared: importance.rSquared, lead: importance.lead },
      });
    }
  }
  return findings;
}
