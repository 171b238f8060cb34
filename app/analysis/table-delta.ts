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

/** `tables` − `removed` + `added`, with every row of zero count left out (as SQL would return them). */
export function applyTableDelta(tables: PeriodTables, removed: readonly CountedAnswers[], added: readonly CountedAnswers[]): PeriodTables {
  const profiles = tables.profiles !== undefined;
  const accumulator = new PeriodTablesAccumulator({ profiles });
  accumulator.addTables(tables);
  for (const row of removed) accumulator.remove(row);
  for (const row of added) accumulator.add(row);
  const result = accumulator.tables();
  if (accumulator.hasNegativeCounts()) throw new TableDeltaError('A delta removed answers the stored tables do not hold');
  return result;
}

/**
 * The same tables in one canonical order (tier, then the table's keys), so
 * tables counted in different ways compare with a deep equality.
 */
export function sortPeriodTables(tables: PeriodTables): PeriodTables {
  const by =
    <Row>(...keys: Array<(row: Row) => string | number>) =>
    (a: Row, b: Row) => {
      for (const key of keys) {
        const x = key(a);
        const y = key(b);
        if (x !== y) return typeof x === 'number' && typeof y === 'number' ? x - y : compareLabels(String(x), String(y));
      }
      return 0;
    };
  return {
    responses: [...tables.responses].sort(by((row) => row.tier)),
    missUs: [...tables.missUs].sort(by((row) => row.tier, (row) => row.missUs)),
    pti: [...tables.pti].sort(by((row) => row.tier, (row) => row.ptiTwelfths)),
    scales: [...tables.scales].sort(by((row) => row.tier, (row) => row.item, (row) => row.value)),
    drivers: [...tables.drivers].sort(by((row) => row.tier, (row) => row.item, (row) => row.missUsOrdinal, (row) => row.value)),
    ...(tables.profiles === undefined
      ? {}
      : {
          profiles: tables.profiles
            .map((row) => ({ ...row, values: [...row.values] }))
            .sort(by((row) => row.tier, (row) => row.missUsOrdinal, (row) => row.values.join(''))),
        }),
  };
}
