/**
 * Frequency tables updated by difference: the stored tables of a period, less
 * the answers that no longer count, plus the ones that now do. A customer's
 * newer response replaces the older one's contribution (remove the old
 * answers, add the new), a tier change moves the answers from one tier to
 * the other, an erasure only removes. Counts never go below zero: a removal
 * of answers the tables do not hold is a caller's error and throws, so a
 * stored table that drifted is noticed instead of silently kept.
 */
import { PeriodTablesAccumulator, type CountedAnswers } from './build-tables';
import { compareLabels } from './response-row';
import type { PeriodTables } from './tables';

export type { CountedAnswers } from './build-tables';

export class TableDeltaError extends Error {}

/**
 * `tables` − `removed` + `added`, with every row of zero count left out (as
 * SQL would return them), in the canonical order of `sortPeriodTables`.
 */
export function applyTableDelta(tables: PeriodTables, removed: readonly CountedAnswers[], added: readonly CountedAnswers[]): PeriodTables {
  const profiles = tables.profiles !== undefined;
  const accumulator = new PeriodTablesAccumulator({ profiles });
  accumulator.addTables(tables);
  for (const row of removed) accumulator.remove(row);
  for (const row of added) accumulator.add(row);
  const result = accumulator.tables();
  if (accumulator.hasNegativeCounts()) throw new TableDeltaError('A delta removed answers the stored tables do not hold');
  return sortPeriodTables(result);
}

/**
 * The same tables in one canonical order (tier, then the table's keys, by
 * code units), so tables counted in different ways (SQL's GROUP BY, this
 * module) come out identical, and a deep equality compares them.
 */
export function sortPeriodTables(tables: PeriodTables): PeriodTables {
  const sorted = <Row>(rows: readonly Row[], key: (row: Row) => string) =>
    rows
      .map((row) => ({ row, key: key(row) }))
      .sort((a, b) => compareLabels(a.key, b.key))
      .map(({ row }) => row);
  // Numbers padded to two digits, so text order is numeric order (values ≤ 60).
  const pad = (value: number) => (value < 10 ? `0${value}` : String(value));
  return {
    responses: sorted(tables.responses, (row) => row.tier),
    missUs: sorted(tables.missUs, (row) => `${row.tier}\u0000${row.missUs}`),
    pti: sorted(tables.pti, (row) => `${row.tier}\u0000${pad(row.ptiTwelfths)}`),
    scales: sorted(tables.scales, (row) => `${row.tier}\u0000${row.item}\u0000${pad(row.value)}`),
    drivers: sorted(tables.drivers, (row) => `${row.tier}\u0000${row.item}\u0000${row.missUsOrdinal}${row.value}`),
    ...(tables.profiles === undefined
      ? {}
      : { profiles: sorted(tables.profiles, (row) => `${row.tier}\u0000${row.missUsOrdinal}${row.values.join('')}`) }),
  };
}
