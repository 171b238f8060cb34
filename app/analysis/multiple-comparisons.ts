/**
 * Adjusting p-values when several tests are read together, so that
 * "significant" keeps meaning 5 % for the family: Holm for the pairwise tier
 * comparisons, Benjamini–Hochberg for each period's signals and for the
 * review table's change marks.
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

/**
 * Benjamini–Hochberg adjusted p-values (SciPy `false_discovery_control`,
 * method "bh"): the i-th smallest p times m / i, made non-decreasing from
 * the largest down and capped at 1. Returned in input order. Reading
 * adjusted p < 0.05 as a finding keeps the expected share of false findings
 * among findings at 5 %, and with no real effect at all the chance of any
 * finding at about 5 %.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const count = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p || a.index - b.index);
  const adjusted = new Array<number>(count);
  let running = 1;
  for (let position = count - 1; position >= 0; position--) {
    const { p, index } = order[position]!;
    running = Math.min(running, (p * count) / (position + 1));
    adjusted[index] = running;
  }
  return adjusted;
}

/**
 * BH over the non-null entries of `pValues`, in place of each; a null p
 * stays null and does not count towards the family's size.
 */
export function benjaminiHochbergOfPresent(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues.flatMap((p, index) => (p === null ? [] : [{ p, index }]));
  const adjusted = benjaminiHochberg(present.map(({ p }) => p));
  const result = pValues.map(() => null as number | null);
  present.forEach(({ index }, position) => (result[index] = adjusted[position]!));
  return result;
}
