import { describe, expect, it } from 'vitest';
import { buildPeriodTables, type CountedAnswers } from './build-tables';
import type { ResponseRow } from './response-row';
import { applyTableDelta, sortPeriodTables, TableDeltaError } from './table-delta';
import { MISS_US_ANSWERS, emptyPeriodTables } from './tables';

/** A seeded PRNG (mulberry32): the same sequence on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomAnswers(next: () => number): CountedAnswers {
  const pick = (max: number, min = 1) => (next() < 0.15 ? null : min + Math.floor(next() * (max - min + 1)));
  return {
    tier: ['Gold', 'Silver', 'Bronze'][Math.floor(next() * 3)]!,
    missUs: next() < 0.1 ? null : MISS_US_ANSWERS[Math.floor(next() * 4)]!,
    treatValued: pick(5),
    treatResponsive: pick(5),
    treatEqual: pick(5),
    treatPromise: pick(5),
    benefit: pick(5),
    csat: pick(5),
    recommend: pick(10, 0),
  };
}

const asRow = (answers: CountedAnswers, index: number): ResponseRow => ({
  ...answers,
  customerId: `c${index}`,
  period: '2026-Q1',
  completedAt: index,
  missMost: '',
  alternative: '',
  improve: '',
});

const tablesOf = (rows: readonly CountedAnswers[]) => sortPeriodTables(buildPeriodTables(rows.map(asRow)));

describe('frequency tables by difference', () => {
  it('equals the tables counted afresh after random replacements, erasures and tier changes', () => {
    const next = random(20);
    for (let round = 0; round < 10; round += 1) {
      const current = new Map<number, CountedAnswers>();
      let tables = emptyPeriodTables();
      tables.profiles = [];
      for (let step = 0; step < 30; step += 1) {
        const customer = Math.floor(next() * 12);
        const old = current.get(customer);
        const roll = next();
        let replacement: CountedAnswers | undefined;
        if (roll < 0.6) replacement = randomAnswers(next); // a new or newer response
        else if (roll < 0.8 && old) replacement = { ...old, tier: old.tier === 'Gold' ? 'Silver' : 'Gold' }; // tier change
        // else: erasure (or nothing to erase)
        tables = applyTableDelta(tables, old ? [old] : [], replacement ? [replacement] : []);
        if (replacement) current.set(customer, replacement);
        else current.delete(customer);
        expect(sortPeriodTables(tables)).toEqual(tablesOf([...current.values()]));
      }
    }
  });

  it('leaves out rows whose count falls to zero, and a tier with no responses left', () => {
    const answers: CountedAnswers = { tier: 'Gold', missUs: 'very', treatValued: 5, treatResponsive: 5, treatEqual: 4, treatPromise: 5, benefit: 4, csat: 5, recommend: 9 };
    const once = applyTableDelta({ ...emptyPeriodTables(), profiles: [] }, [], [answers]);
    expect(once.responses).toEqual([{ tier: 'Gold', count: 1 }]);
    expect(once.profiles).toEqual([{ tier: 'Gold', missUsOrdinal: 2, values: [5, 5, 4, 5, 4], count: 1 }]);
    expect(applyTableDelta(once, [answers], [])).toEqual({ ...emptyPeriodTables(), profiles: [] });
  });

  it('keeps tables without profiles without them', () => {
    const answers: CountedAnswers = { tier: 'Gold', missUs: 'not', treatValued: 1, treatResponsive: 2, treatEqual: 3, treatPromise: 4, benefit: 5, csat: null, recommend: 0 };
    expect(applyTableDelta(emptyPeriodTables(), [], [answers]).profiles).toBeUndefined();
  });

  it('refuses to take back answers the tables do not hold', () => {
    const answers: CountedAnswers = { tier: 'Gold', missUs: 'na', treatValued: null, treatResponsive: null, treatEqual: null, treatPromise: null, benefit: null, csat: 3, recommend: null };
    expect(() => applyTableDelta(emptyPeriodTables(), [answers], [])).toThrow(TableDeltaError);
  });
});
