/**
 * Builds the frequency tables of tables.ts from plain response rows, one row
 * at a time, so a caller can stream any number of rows through a few hundred
 * counters. This is the in-memory twin of the SQL `GROUP BY` queries.
 */
import { ptiTwelfthsOf } from './response-row';
import type { ResponseRow } from './response-row';
import { DRIVER_ITEMS, MISS_US_ANSWERS, MISS_US_ORDINAL, SCALE_ITEMS } from './tables';
import type { MissUsOrdinal, PeriodTables } from './tables';

/** What of a response the tables count: its tier and its scored answers. */
export type CountedAnswers = Pick<
  ResponseRow,
  'tier' | 'missUs' | 'treatValued' | 'treatResponsive' | 'treatEqual' | 'treatPromise' | 'benefit' | 'csat' | 'recommend'
>;

const MAX_PTI_TWELFTHS = 60;
const MAX_SCALE_VALUE = 10;
const MAX_DRIVER_VALUE = 5;
const DRIVER_STRIDE = 3 * (MAX_DRIVER_VALUE + 1);

/**
 * Dense counters of one tier; indexes follow the order of MISS_US_ANSWERS,
 * SCALE_ITEMS and DRIVER_ITEMS in tables.ts.
 */
interface TierCounters {
  responses: number;
  missUs: Float64Array;
  pti: Float64Array;
  scales: Float64Array[];
  drivers: Float64Array;
  /** Complete profiles by code: ordinal × 5⁵ + Σ (value − 1) × 5^k. */
  profiles: Map<number, number>;
}

function newTierCounters(): TierCounters {
  return {
    responses: 0,
    missUs: new Float64Array(MISS_US_ANSWERS.length),
    pti: new Float64Array(MAX_PTI_TWELFTHS + 1),
    scales: SCALE_ITEMS.map(() => new Float64Array(MAX_SCALE_VALUE + 1)),
    drivers: new Float64Array(DRIVER_ITEMS.length * DRIVER_STRIDE),
    profiles: new Map(),
  };
}

/**
 * Counts the responses of one period. Rows must already be valid (values in
 * their ranges); the accumulator does not check them again.
 */
export class PeriodTablesAccumulator {
  private readonly byTier = new Map<string, TierCounters>();

  /**
   * `profiles: false` skips the complete answer profiles (per-tier driver
   * importance), which the analyze command does not report: a map update
   * per row that a million-row file would pay for nothing.
   */
  constructor(private readonly options: { profiles: boolean } = { profiles: true }) {}

  /** Counts one response; pass its PTI when the caller has it already. */
  add(row: CountedAnswers, ptiTwelfths: number | null = ptiTwelfthsOf(row)): void {
    this.count(row, ptiTwelfths, 1);
  }

  /**
   * Takes back a response counted before: a customer's earlier response in
   * the same period, once a later one is known to be the one that counts.
   */
  remove(row: CountedAnswers, ptiTwelfths: number | null = ptiTwelfthsOf(row)): void {
    this.count(row, ptiTwelfths, -1);
  }

  /**
   * Adds tables counted before (stored ones), so that rows added and removed
   * afterwards update them by difference. Profiles are taken only when this
   * accumulator counts them.
   */
  addTables(tables: PeriodTables): void {
    for (const { tier, count } of tables.responses) this.countersOf(tier).responses += count;
    for (const { tier, missUs, count } of tables.missUs) this.countersOf(tier).missUs[MISS_US_ANSWERS.indexOf(missUs)]! += count;
    for (const { tier, ptiTwelfths, count } of tables.pti) this.countersOf(tier).pti[ptiTwelfths]! += count;
    for (const { tier, item, value, count } of tables.scales) this.countersOf(tier).scales[SCALE_ITEMS.indexOf(item)]![value]! += count;
    for (const { tier, item, missUsOrdinal, value, count } of tables.drivers) {
      this.countersOf(tier).drivers[DRIVER_ITEMS.indexOf(item) * DRIVER_STRIDE + missUsOrdinal * (MAX_DRIVER_VALUE + 1) + value]! += count;
    }
    if (!this.options.profiles) return;
    for (const { tier, missUsOrdinal, values, count } of tables.profiles ?? []) {
      const code = missUsOrdinal * 3125 + values.reduce((sum, value) => sum * 5 + (value - 1), 0);
      const profiles = this.countersOf(tier).profiles;
      profiles.set(code, (profiles.get(code) ?? 0) + count);
    }
  }

  /** Whether more was removed than counted anywhere (the tables then drop those rows). */
  hasNegativeCounts(): boolean {
    for (const counters of this.byTier.values()) {
      if (counters.responses < 0 || counters.missUs.some((count) => count < 0) || counters.pti.some((count) => count < 0)) return true;
      if (counters.scales.some((counts) => counts.some((count) => count < 0)) || counters.drivers.some((count) => count < 0)) return true;
      for (const count of counters.profiles.values()) if (count < 0) return true;
    }
    return false;
  }

  private countersOf(tier: string): TierCounters {
    let counters = this.byTier.get(tier);
    if (counters === undefined) {
      counters = newTierCounters();
      this.byTier.set(tier, counters);
    }
    return counters;
  }

  private count(row: CountedAnswers, ptiTwelfths: number | null, step: 1 | -1): void {
    const counters = this.countersOf(row.tier);
    counters.responses += step;
    if (row.missUs !== null) counters.missUs[MISS_US_ANSWERS.indexOf(row.missUs)]! += step;
    if (ptiTwelfths !== null) counters.pti[ptiTwelfths]! += step;
    // Plain statements rather than loops over arrays: this runs once per row.
    if (row.benefit !== null) counters.scales[0]![row.benefit]! += step;
    if (row.csat !== null) counters.scales[1]![row.csat]! += step;
    if (row.recommend !== null) counters.scales[2]![row.recommend]! += step;
    if (row.missUs === null || row.missUs === 'na') return;
    const offset = MISS_US_ORDINAL[row.missUs] * (MAX_DRIVER_VALUE + 1);
    const drivers = counters.drivers;
    if (row.treatValued !== null) drivers[offset + row.treatValued]! += step;
    if (row.treatResponsive !== null) drivers[DRIVER_STRIDE + offset + row.treatResponsive]! += step;
    if (row.treatEqual !== null) drivers[2 * DRIVER_STRIDE + offset + row.treatEqual]! += step;
    if (row.treatPromise !== null) drivers[3 * DRIVER_STRIDE + offset + row.treatPromise]! += step;
    if (row.benefit !== null) drivers[4 * DRIVER_STRIDE + offset + row.benefit]! += step;
    if (!this.options.profiles) return;
    const { treatValued, treatResponsive, treatEqual, treatPromise, benefit } = row;
    if (treatValued === null || treatResponsive === null || treatEqual === null || treatPromise === null || benefit === null) return;
    const code =
      MISS_US_ORDINAL[row.missUs] * 3125 +
      (treatValued - 1) * 625 +
      (treatResponsive - 1) * 125 +
      (treatEqual - 1) * 25 +
      (treatPromise - 1) * 5 +
      (benefit - 1);
    counters.profiles.set(code, (counters.profiles.get(code) ?? 0) + step);
  }

  /** The tables counted so far, as the SQL queries would return them. */
  tables(): PeriodTables {
    const tables: PeriodTables = { responses: [], missUs: [], pti: [], scales: [], drivers: [] };
    if (this.options.profiles) tables.profiles = [];
    for (const [tier, counters] of this.byTier) {
      // A tier whose only responses were taken back has no rows, as in SQL.
      if (counters.responses > 0) tables.responses.push({ tier, count: counters.responses });
      MISS_US_ANSWERS.forEach((missUs, index) => {
        const count = counters.missUs[index]!;
        if (count > 0) tables.missUs.push({ tier, missUs, count });
      });
      counters.pti.forEach((count, ptiTwelfths) => {
        if (count > 0) tables.pti.push({ tier, ptiTwelfths, count });
      });
      SCALE_ITEMS.forEach((item, index) => {
        counters.scales[index]!.forEach((count, value) => {
          if (count > 0) tables.scales.push({ tier, item, value, count });
        });
      });
      counters.drivers.forEach((count, index) => {
        if (count === 0) return;
        const item = DRIVER_ITEMS[Math.floor(index / DRIVER_STRIDE)]!;
        const rest = index % DRIVER_STRIDE;
        const missUsOrdinal = Math.floor(rest / (MAX_DRIVER_VALUE + 1)) as MissUsOrdinal;
        tables.drivers.push({ tier, item, missUsOrdinal, value: rest % (MAX_DRIVER_VALUE + 1), count });
      });
      for (const [code, count] of counters.profiles) {
        if (count <= 0) continue;
        const values = [625, 125, 25, 5, 1].map((unit) => (Math.floor(code / unit) % 5) + 1);
        tables.profiles!.push({ tier, missUsOrdinal: Math.floor(code / 3125) as MissUsOrdinal, values, count });
      }
    }
    return tables;
  }
}

/** The frequency tables of `rows` (all of one period). */
export function buildPeriodTables(rows: Iterable<ResponseRow>): PeriodTables {
  const accumulator = new PeriodTablesAccumulator();
  for (const row of rows) accumulator.add(row);
  return accumulator.tables();
}

/** The frequency tables of every period that occurs in `rows`. */
export function buildTablesByPeriod(rows: Iterable<ResponseRow>): Map<string, PeriodTables> {
  const accumulators = new Map<string, PeriodTablesAccumulator>();
  for (const row of rows) {
    let accumulator = accumulators.get(row.period);
    if (accumulator === undefined) {
      accumulator = new PeriodTablesAccumulator();
      accumulators.set(row.period, accumulator);
    }
    accumulator.add(row);
  }
  return new Map([...accumulators].map(([period, accumulator]) => [period, accumulator.tables()]));
}
