/**
 * Adjusting p-values when several tests are read together (the pairwise tier
 * comparisons), so that "significant" keeps meaning 5 % for the family.
 */

/**
 * Holm's step-down adjustment of p-values (statsmodels `multipletests`,
 * method 'holm'): the i-th smallest p is multiplied by (m − i + 1), made
 * non-decreasing in that order and capped at 1. Returned in input order.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const count = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p || a.index - b.index);
  const adjusted = new Array<number>(count);
  let running = 0;
  order.forEach(({ p, index }, position) => {
    running = Math.max(running, (count - position) * p);
    adjusted[index] = Math.min(running, 1);
  });
  return adjusted;
}
