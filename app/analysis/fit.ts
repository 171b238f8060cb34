/**
 * Revenue at risk and the fit map of one quarter: per customer what we are
 * worth to them (the miss-us answer, PTI, flags) against what they are worth
 * to us (revenue and contribution margin from the import), sorted into four
 * plain-language quadrants, and per tier the revenue and margin of customers
 * who would not miss us or are flagged, as a share of the tier's total.
 *
 * Pure: the web page (app/reports/fit.server.ts) and the `analyze` command
 * (app/cli/analyze.ts) hand it plain rows. Definitions in docs/fit.md.
 */
import { compareLabels, PTI_SCALE } from './response-row';
import type { MissUsAnswer } from './tables';

export const FIT_QUADRANTS = ['cherish', 'at_risk', 'serve_differently', 'refer'] as const;
/**
 * cherish: would miss us, high value; at_risk: would not miss us or is
 * flagged, high value; serve_differently: would miss us, low value; refer:
 * would not miss us or is flagged, low value (a candidate to refer to a partner).
 */
export type FitQuadrant = (typeof FIT_QUADRANTS)[number];

/** One customer of the quarter with a completed response (the latest counts). */
export interface FitCustomer {
  customerId: string;
  tier: string;
  missUs: MissUsAnswer | null;
  /** PTI in twelfths of a point (see `ptiTwelfthsOf`), or null. */
  ptiTwelfths: number | null;
  /** Whether a flag (second-class or at-risk) stands on the customer for this quarter. */
  flagged: boolean;
  /** Revenue of the quarter from the import, or null when none was imported. */
  revenue: number | null;
  margin: number | null;
}

/** Revenue and margin of every customer of a tier in the quarter, answered or not. */
export interface FitTierTotal {
  tier: string;
  customers: number;
  /** Customers of the tier with a revenue. */
  withRevenue: number;
  revenue: number;
  margin: number;
}

export interface FitInput {
  period: string;
  /** Tier labels, best first. */
  tiers: readonly string[];
  customers: readonly FitCustomer[];
  /**
   * Totals of all the tiers' customers (the database knows customers who did
   * not answer). Without them the totals are those of `customers`.
   */
  tierTotals?: readonly FitTierTotal[];
  /**
   * Revenues of all customers of the quarter, for the median that separates
   * high from low value. Without them the revenues of `customers` are used.
   */
  allRevenues?: readonly number[];
  /** The median of all revenues of the quarter, when the caller has it already (SQL); wins over `allRevenues`. */
  medianRevenue?: number | null;
}

export interface FitPoint {
  customerId: string;
  tier: string;
  missUs: MissUsAnswer | null;
  /** Mean of the treatment items on 1–5, or null. */
  pti: number | null;
  flagged: boolean;
  revenue: number | null;
  margin: number | null;
  /** null when the customer has no revenue or neither a miss-us answer nor a flag. */
  quadrant: FitQuadrant | null;
}

export interface MoneyAtRisk {
  /** Customers who would not miss us (answered "not disappointed") or are flagged. */
  customers: number;
  revenue: number;
  margin: number;
  /** `revenue` / the tier's total revenue; null when that total is 0. */
  revenueShare: number | null;
  marginShare: number | null;
}

export interface FitTier {
  tier: string;
  /** Customers of the tier with a response this quarter. */
  answered: number;
  /** Of these, those with a revenue. */
  answeredWithRevenue: number;
  total: FitTierTotal;
  atRisk: MoneyAtRisk;
  quadrants: Record<FitQuadrant, number>;
}

export interface FitReport {
  period: string;
  /** 'all_customers' when totals come from every customer of the tier; 'answered' when only respondents are known. */
  totalsOf: 'all_customers' | 'answered';
  /** Median revenue of the quarter; a customer above it is of high value. Null without any revenue. */
  highValueAbove: number | null;
  /** Customers with a response this quarter. */
  answered: number;
  /** Of these, customers with a revenue imported. */
  withRevenue: number;
  quadrants: Record<FitQuadrant, { customers: number; revenue: number; margin: number }>;
  byTier: FitTier[];
  /** Sorted by tier (best first), then by revenue (highest first), then by customer id. */
  customers: FitPoint[];
}

/** Money is summed in cents so that totals of imported two-decimal figures are exact. */
const cents = (value: number) => Math.round(value * 100);
const units = (value: number) => value / 100;

/** The median of `values`, or null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Whether a customer stands on the "would not miss us" side: answered "not disappointed", or flagged. */
export function wouldNotMissUs(customer: Pick<FitCustomer, 'missUs' | 'flagged'>): boolean {
  return customer.missUs === 'not' || customer.flagged;
}

/**
 * The quadrant of a customer: high value is revenue strictly above the
 * quarter's median; "would miss us" is "very" or "somewhat disappointed"
 * without a flag. No quadrant without a revenue, or without either a
 * miss-us answer other than "does not apply" or a flag.
 */
export function quadrantOf(customer: FitCustomer, highValueAbove: number | null): FitQuadrant | null {
  if (customer.revenue === null || highValueAbove === null) return null;
  const high = customer.revenue > highValueAbove;
  if (wouldNotMissUs(customer)) return high ? 'at_risk' : 'refer';
  if (customer.missUs === 'very' || customer.missUs === 'somewhat') return high ? 'cherish' : 'serve_differently';
  return null;
}

function noQuadrants(): Record<FitQuadrant, number> {
  return { cherish: 0, at_risk: 0, serve_differently: 0, refer: 0 };
}

/** The fit report of a quarter. Throws a RangeError for a customer of an unlisted tier. */
export function computeFit(input: FitInput): FitReport {
  const { tiers, customers } = input;
  const known = new Set(tiers);
  const stray = customers.find((customer) => !known.has(customer.tier));
  if (stray !== undefined) throw new RangeError(`customer ${stray.customerId} has tier "${stray.tier}", which is not in the tier list`);
  const revenues = input.allRevenues ?? customers.flatMap((customer) => (customer.revenue === null ? [] : [customer.revenue]));
  const highValueAbove = input.medianRevenue !== undefined ? input.medianRevenue : median(revenues);

  const points: FitPoint[] = customers.map((customer) => ({
    customerId: customer.customerId,
    tier: customer.tier,
    missUs: customer.missUs,
    pti: customer.ptiTwelfths === null ? null : customer.ptiTwelfths / PTI_SCALE,
    flagged: customer.flagged,
    revenue: customer.revenue,
    margin: customer.margin,
    quadrant: quadrantOf(customer, highValueAbove),
  }));
  const tierIndex = new Map(tiers.map((tier, index) => [tier, index]));
  points.sort(
    (a, b) =>
      tierIndex.get(a.tier)! - tierIndex.get(b.tier)! ||
      (b.revenue ?? -1) - (a.revenue ?? -1) ||
      compareLabels(a.customerId, b.customerId),
  );

  const quadrantSums = Object.fromEntries(FIT_QUADRANTS.map((q) => [q, { customers: 0, revenue: 0, margin: 0 }])) as FitReport['quadrants'];
  for (const point of points) {
    if (point.quadrant === null) continue;
    const sum = quadrantSums[point.quadrant];
    sum.customers++;
    sum.revenue += cents(point.revenue ?? 0);
    sum.margin += cents(point.margin ?? 0);
  }
  for (const sum of Object.values(quadrantSums)) {
    sum.revenue = units(sum.revenue);
    sum.margin = units(sum.margin);
  }

  const byTier = tiers.map((tier): FitTier => {
    const ofTier = points.filter((point) => point.tier === tier);
    const total = input.tierTotals?.find((row) => row.tier === tier) ?? {
      tier,
      customers: ofTier.length,
      withRevenue: ofTier.filter((point) => point.revenue !== null).length,
      revenue: units(ofTier.reduce((sum, point) => sum + cents(point.revenue ?? 0), 0)),
      margin: units(ofTier.reduce((sum, point) => sum + cents(point.margin ?? 0), 0)),
    };
    const risky = ofTier.filter(wouldNotMissUs);
    const revenue = units(risky.reduce((sum, point) => sum + cents(point.revenue ?? 0), 0));
    const margin = units(risky.reduce((sum, point) => sum + cents(point.margin ?? 0), 0));
    const quadrants = noQuadrants();
    for (const point of ofTier) if (point.quadrant !== null) quadrants[point.quadrant]++;
    return {
      tier,
      answered: ofTier.length,
      answeredWithRevenue: ofTier.filter((point) => point.revenue !== null).length,
      total: { ...total, tier },
      atRisk: {
        customers: risky.length,
        revenue,
        margin,
        revenueShare: total.revenue > 0 ? revenue / total.revenue : null,
        marginShare: total.margin > 0 ? margin / total.margin : null,
      },
      quadrants,
    };
  });

  return {
    period: input.period,
    totalsOf: input.tierTotals ? 'all_customers' : 'answered',
    highValueAbove,
    answered: points.length,
    withRevenue: points.filter((point) => point.revenue !== null).length,
    quadrants: quadrantSums,
    byTier,
    customers: points,
  };
}
