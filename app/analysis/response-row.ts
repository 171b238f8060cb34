/**
 * One completed response as a plain row: what the CLI reads from a CSV file
 * and what tests write by hand. The database path never builds these for a
 * whole period; it asks SQL for the frequency tables instead (tables.ts).
 */
import type { MissUsAnswer } from './tables';

/** A completed response of one customer in one period. */
export interface ResponseRow {
  customerId: string;
  /** The tier the response is analysed under (the customer's tier in `period`). */
  tier: string;
  /** A calendar quarter, `2026-Q3`. */
  period: string;
  /** When the response was completed, in epoch milliseconds (fractions allowed). */
  completedAt: number;
  /** `null` when unanswered. */
  missUs: MissUsAnswer | null;
  treatValued: number | null;
  treatResponsive: number | null;
  treatEqual: number | null;
  treatPromise: number | null;
  benefit: number | null;
  csat: number | null;
  recommend: number | null;
  missMost: string;
  alternative: string;
  improve: string;
  /** The customer's revenue and margin of the quarter, when the data set has them (docs/fit.md). */
  revenue?: number | null;
  margin?: number | null;
}

/** Twelve times a PTI: integers stand for PTIs exactly (PTI 2.5 is 30). */
export const PTI_SCALE = 12;

/**
 * The perceived-treatment index of a response in twelfths of a point: the
 * mean of the treatment items answered, when at least 3 of the 4 are; else
 * `null`. Exact because 12 is divisible by both 3 and 4.
 */
export function ptiTwelfthsOf(
  row: Pick<ResponseRow, 'treatValued' | 'treatResponsive' | 'treatEqual' | 'treatPromise'>,
): number | null {
  // Written out rather than looped over an array: this runs once per row.
  const { treatValued, treatResponsive, treatEqual, treatPromise } = row;
  const answered =
    (treatValued === null ? 0 : 1) +
    (treatResponsive === null ? 0 : 1) +
    (treatEqual === null ? 0 : 1) +
    (treatPromise === null ? 0 : 1);
  const sum = (treatValued ?? 0) + (treatResponsive ?? 0) + (treatEqual ?? 0) + (treatPromise ?? 0);
  if (answered < 3) return null;
  return (sum * PTI_SCALE) / answered;
}

const PERIOD_PATTERN = /^(\d{4})-Q([1-4])$/;

/** Whether `label` is a period written like `2026-Q3`. */
export function isPeriodLabel(label: string): boolean {
  return PERIOD_PATTERN.test(label);
}

/**
 * Orders labels (customer ids, tiers) by UTF-16 code units: the same in every
 * locale, and the same as Python's `sorted` outside the astral planes.
 */
export function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders period labels chronologically (`2025-Q4` before `2026-Q1`). */
export function comparePeriods(a: string, b: string): number {
  // Four-digit years and one-digit quarters make text order chronological.
  return compareLabels(a, b);
}

/** The latest period in `periods` before `period`, or `null`. */
export function previousPeriodOf(period: string, periods: Iterable<string>): string | null {
  let latest: string | null = null;
  for (const candidate of periods) {
    if (comparePeriods(candidate, period) < 0 && (latest === null || comparePeriods(candidate, latest) > 0)) {
      latest = candidate;
    }
  }
  return latest;
}
