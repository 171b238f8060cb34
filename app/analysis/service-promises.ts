/**
 * Service promises per tier: how far each tier's customers find that what
 * they were promised is kept. Two core items speak of it: `treat_promise`
 * ("The service I get is what was agreed with me") and `treat_responsive`
 * ("When I need something, I get a timely answer"). Both are 1–5 agree
 * scales; DESIGN.md reports them inside the PTI mean, which cannot say
 * "kept", so each is read here as the share agreeing (4 or 5, the top-two
 * box) with its Wilson interval.
 *
 * The alarm: a lower tier whose customers agree more often than a higher
 * tier's. Every pair of tiers with enough answers, for both items, is one
 * family of pooled two-proportion z tests, Holm-corrected, so that five
 * tiers (ten pairs, twenty tests) raise no more false alarms than two.
 */
import { MIN_DECISION_ANSWERS, SIGNIFICANCE_LEVEL } from './decision-rules';
import { holmAdjust } from './multiple-comparisons';
import { twoProportionZTest, wilsonInterval } from './proportions';

/** The items that say whether a tier's promise is kept, in report order. */
export const PROMISE_ITEMS = ['treat_promise', 'treat_responsive'] as const;
export type PromiseItem = (typeof PROMISE_ITEMS)[number];

/** Answers of 4 and 5 on the 1–5 agree scale count as agreeing. */
export const AGREE_FROM = 4;

/** Answers per tier, item and value (1–5): one `GROUP BY tier, item, value`. */
export interface PromiseAnswerCount {
  tier: string;
  item: PromiseItem;
  value: number;
  count: number;
}

/** How one tier's customers answered one item. */
export interface PromiseItemFigure {
  item: PromiseItem;
  /** Customers agreeing (4 or 5). */
  agree: number;
  n: number;
  /** Null below MIN_DECISION_ANSWERS answers: too few to speak of. */
  share: number | null;
  low: number | null;
  high: number | null;
}

export interface TierPromise {
  tier: string;
  /** What the tier is promised, in the workspace's words; null when none is recorded. */
  promise: string | null;
  items: PromiseItemFigure[];
}

/** A lower tier agreeing more often than a higher one, on one item. */
export interface PromiseGap {
  item: PromiseItem;
  /** The better tier by position, and its figure. */
  higher: { tier: string; share: number; n: number };
  /** The tier below it, whose customers agree more often. */
  lower: { tier: string; share: number; n: number };
  /** Two-sided p of the pooled z test, and after Holm's correction over the family. */
  p: number;
  pAdjusted: number;
  significant: boolean;
}

export interface ServicePromiseReview {
  period: string;
  /** Best tier first. */
  tiers: TierPromise[];
  /** Every pair where the lower tier agrees more often (by a whole percentage point as shown), significant ones first, then by the size of the gap. */
  gaps: PromiseGap[];
  /** Tests in the family behind `pAdjusted`: pairs of tiers with enough answers, over both items. */
  comparisons: number;
  /** Whether any tier has any answer to the two items. */
  answered: boolean;
}

function figureOf(counts: readonly PromiseAnswerCount[], tier: string, item: PromiseItem): PromiseItemFigure {
  let agree = 0;
  let n = 0;
  for (const row of counts) {
    if (row.tier !== tier || row.item !== item) continue;
    n += row.count;
    if (row.value >= AGREE_FROM) agree += row.count;
  }
  if (n < MIN_DECISION_ANSWERS) return { item, agree, n, share: null, low: null, high: null };
  const interval = wilsonInterval(agree, n);
  return { item, agree, n, share: agree / n, low: interval.low, high: interval.high };
}

/**
 * The service-promise review of one quarter. `tiers` come best first, each
 * with its recorded promise (or null); `counts` are the quarter's answers
 * (one response per customer, the latest completed one).
 */
export function reviewServicePromises(
  period: string,
  tiers: ReadonlyArray<{ label: string; promise: string | null }>,
  counts: readonly PromiseAnswerCount[],
): ServicePromiseReview {
  const figures: TierPromise[] = tiers.map(({ label, promise }) => ({
    tier: label,
    promise,
    items: PROMISE_ITEMS.map((item) => figureOf(counts, label, item)),
  }));

  // The family: every ordered pair (higher above lower) with enough answers on both sides, for each item.
  const tests: Array<Omit<PromiseGap, 'pAdjusted' | 'significant'>> = [];
  for (const item of PROMISE_ITEMS) {
    for (let high = 0; high < figures.length; high++) {
      for (let low = high + 1; low < figures.length; low++) {
        const a = figures[high]!.items.find((figure) => figure.item === item)!;
        const b = figures[low]!.items.find((figure) => figure.item === item)!;
        if (a.share === null || b.share === null) continue;
        const { p } = twoProportionZTest(b.agree, b.n, a.agree, a.n);
        tests.push({
          item,
          higher: { tier: figures[high]!.tier, share: a.share, n: a.n },
          lower: { tier: figures[low]!.tier, share: b.share, n: b.n },
          // No variance (everyone agrees, or nobody does): no difference to find.
          p: Number.isNaN(p) ? 1 : p,
        });
      }
    }
  }
  const adjusted = holmAdjust(tests.map((test) => test.p));
  const gaps = tests
    .map((test, index) => ({ ...test, pAdjusted: adjusted[index]!, significant: adjusted[index]! < SIGNIFICANCE_LEVEL }))
    // A lower tier counts as ahead only when the whole percentages shown differ ("68 % vs 68 %" says nothing).
    .filter((test) => Math.round(test.lower.share * 100) > Math.round(test.higher.share * 100))
    .sort((a, b) => Number(b.significant) - Number(a.significant) || b.lower.share - b.higher.share - (a.lower.share - a.higher.share));

  return { period, tiers: figures, gaps, comparisons: tests.length, answered: figures.some((tier) => tier.items.some((figure) => figure.n > 0)) };
}
