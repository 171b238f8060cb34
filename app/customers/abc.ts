/**
 * ABC analysis (DESIGN.md): rank customers by value, highest first; a
 * customer's *share before* is the sum of the values ranked above it divided
 * by the total. A while the share before is below `a`, B while below `b`, C
 * otherwise. Equal values share the better tier (the share before of the first
 * of them counts), and a value of zero is always C.
 */
export interface AbcThresholds {
  a: number;
  b: number;
}

export type AbcTier = 'A' | 'B' | 'C';

/** Returns one tier per input value, in input order. Values must be finite and ≥ 0. */
export function abcTiers(values: readonly number[], thresholds: AbcThresholds = { a: 0.8, b: 0.95 }): AbcTier[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  const order = values.map((value, index) => ({ value, index })).sort((x, y) => y.value - x.value);
  const tiers: AbcTier[] = new Array<AbcTier>(values.length);
  let before = 0;
  let i = 0;
  while (i < order.length) {
    const value = order[i]!.value;
    // All customers with this value get the tier of the first of them.
    const shareBefore = total > 0 ? before / total : 1;
    const tier: AbcTier = value <= 0 ? 'C' : shareBefore < thresholds.a ? 'A' : shareBefore < thresholds.b ? 'B' : 'C';
    let j = i;
    while (j < order.length && order[j]!.value === value) {
      tiers[order[j]!.index] = tier;
      before += value;
      j++;
    }
    i = j;
  }
  return tiers;
}
