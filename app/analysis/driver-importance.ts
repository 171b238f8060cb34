/**
 * Which item weighs most in whether a tier's customers would miss the
 * business: Shapley value decomposition of R² in a linear regression of the
 * miss-us answer (very = 2, somewhat = 1, not = 0) on the five driver items,
 * per tier (pooling tiers would let the tier itself pose as a driver).
 *
 * Shapley rather than relative weights (Johnson 2000): with five items there
 * are only 32 subsets, every one an exact regression from the 6 × 6
 * covariance matrix, with no eigen-decomposition to approximate; the shares
 * add up to the model's R² by construction. The leading item is named only
 * when its lead over the next is stable: a seeded bootstrap (Poisson
 * weights on the response profiles) gives a 95 % percentile interval of the
 * difference of the two shares, and it must lie above zero.
 */
import { DRIVER_ITEMS, type DriverItem, type DriverProfileCount } from './tables';

/** Fewer complete answers than this give no importance at all: five predictors need room. */
export const MIN_IMPORTANCE_ANSWERS = 30;
export const BOOTSTRAP_SAMPLES = 200;

export interface DriverImportance {
  tier: string;
  /** Complete answers (miss-us and all five items). */
  n: number;
  rSquared: number;
  /** Each item's share of R² (sums to 1), in DRIVER_ITEMS order. */
  shares: Array<{ item: DriverItem; share: number }>;
  /** The item with the largest share, when its lead over the next is stable; else null. */
  leader: DriverItem | null;
  /** Lead of the largest share over the second, with its bootstrap 95 % interval. */
  lead: { difference: number; low: number; high: number };
}

/** Profiles as one flat array of rows [y, x₁ … x₅], and their weights (counts). */
interface Profiles {
  rows: Float64Array;
  weights: Float64Array;
}

const WIDTH = DRIVER_ITEMS.length + 1;
// subsetRSquared spells out the sums of y and five items.
if (WIDTH !== 6) throw new Error('driver-importance.ts: subsetRSquared expects five driver items');

/**
 * R² of the regression of y on each subset of the items (bit i = item i),
 * from the weighted covariance matrix. Plain sums over the rows: this runs
 * for every bootstrap sample (200 a tier), so the sums and cross products
 * are kept in local variables, which V8 holds in registers, where a 6 × 6
 * array was read and written 21 times a row. Each sum is formed in the
 * same order as a loop over the matrix would, so the result is the same to
 * the bit.
 */
function subsetRSquared({ rows, weights }: Profiles): Float64Array | null {
  let total = 0;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
  let p00 = 0, p01 = 0, p02 = 0, p03 = 0, p04 = 0, p05 = 0, p11 = 0, p12 = 0, p13 = 0, p14 = 0, p15 = 0;
  let p22 = 0, p23 = 0, p24 = 0, p25 = 0, p33 = 0, p34 = 0, p35 = 0, p44 = 0, p45 = 0, p55 = 0;
  for (let row = 0; row < weights.length; row++) {
    const weight = weights[row]!;
    if (weight === 0) continue;
    const base = row * WIDTH;
    const v0 = rows[base]!; const v1 = rows[base + 1]!; const v2 = rows[base + 2]!; const v3 = rows[base + 3]!; const v4 = rows[base + 4]!; const v5 = rows[base + 5]!;
    total += weight;
    const w0 = weight * v0;
    s0 += w0;
    p00 += w0 * v0; p01 += w0 * v1; p02 += w0 * v2; p03 += w0 * v3; p04 += w0 * v4; p05 += w0 * v5;
    const w1 = weight * v1;
    s1 += w1;
    p11 += w1 * v1; p12 += w1 * v2; p13 += w1 * v3; p14 += w1 * v4; p15 += w1 * v5;
    const w2 = weight * v2;
    s2 += w2;
    p22 += w2 * v2; p23 += w2 * v3; p24 += w2 * v4; p25 += w2 * v5;
    const w3 = weight * v3;
    s3 += w3;
    p33 += w3 * v3; p34 += w3 * v4; p35 += w3 * v5;
    const w4 = weight * v4;
    s4 += w4;
    p44 += w4 * v4; p45 += w4 * v5;
    const w5 = weight * v5;
    s5 += w5;
    p55 += w5 * v5;
  }
  const sums = Float64Array.of(s0, s1, s2, s3, s4, s5);
  const products = new Float64Array(WIDTH * WIDTH);
  products.set([p00, p01, p02, p03, p04, p05, 0, p11, p12, p13, p14, p15, 0, 0, p22, p23, p24, p25, 0, 0, 0, p33, p34, p35, 0, 0, 0, 0, p44, p45, 0, 0, 0, 0, 0, p55]);
  if (total < 2) return null;
  const covariance = new Float64Array(WIDTH * WIDTH);
  for (let i = 0; i < WIDTH; i++) {
    for (let j = i; j < WIDTH; j++) {
      const value = products[i * WIDTH + j]! - (sums[i]! * sums[j]!) / total;
      covariance[i * WIDTH + j] = value;
      covariance[j * WIDTH + i] = value;
    }
  }
  const varianceY = covariance[0]!;
  // Below rounding noise of the sums, y is constant: nothing to explain.
  if (!(varianceY > 1e-12 * total)) return null;
  const result = new Float64Array(1 << DRIVER_ITEMS.length);
  for (let subset = 1; subset < result.length; subset++) {
    result[subset] = Math.max(0, Math.min(1, explainedVariance(covariance, SUBSET_MEMBERS[subset]!) / varianceY));
  }
  return result;
}

/** The item numbers (1-based columns of the covariance matrix) of every subset. */
const SUBSET_MEMBERS = Array.from({ length: 1 << DRIVER_ITEMS.length }, (_, subset) =>
  DRIVER_ITEMS.map((_, i) => i + 1).filter((column) => subset & (1 << (column - 1))),
);
/** Scratch space for the elimination: at most 5 × 6. */
const augmented = new Float64Array(DRIVER_ITEMS.length * WIDTH);

/**
 * β′ Σ_xy of the regression of y on `members`, by symmetric Gaussian
 * elimination of [Σ_xx | Σ_xy] (an LDLᵀ factorisation): after eliminating,
 * β′ Σ_xy = Σ (reduced right side)² / pivot. A covariance matrix needs no
 * pivoting; a pivot at rounding noise (a constant item, or one that repeats
 * others) has a zero row and right side too, and is skipped, which is the
 * same as leaving that item out.
 */
function explainedVariance(covariance: Float64Array, members: readonly number[]): number {
  const size = members.length;
  const stride = size + 1;
  let scale = 1e-300;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) augmented[r * stride + c] = covariance[members[r]! * WIDTH + members[c]!]!;
    augmented[r * stride + size] = covariance[members[r]! * WIDTH]!;
    scale = Math.max(scale, Math.abs(augmented[r * stride + r]!));
  }
  let explained = 0;
  for (let pivotRow = 0; pivotRow < size; pivotRow++) {
    const pivot = augmented[pivotRow * stride + pivotRow]!;
    if (!(pivot > 1e-10 * scale)) continue;
    const reduced = augmented[pivotRow * stride + size]!;
    explained += (reduced * reduced) / pivot;
    for (let r = pivotRow + 1; r < size; r++) {
      const factor = augmented[r * stride + pivotRow]! / pivot;
      if (factor === 0) continue;
      for (let c = pivotRow; c < stride; c++) augmented[r * stride + c]! -= factor * augmented[pivotRow * stride + c]!;
    }
  }
  return explained;
}

const FACTORIAL = [1, 1, 2, 6, 24, 120];

/** Shapley value of each item from the R² of every subset. */
function shapley(rSquared: Float64Array): number[] {
  const count = DRIVER_ITEMS.length;
  return DRIVER_ITEMS.map((_, item) => {
    let value = 0;
    for (let subset = 0; subset < rSquared.length; subset++) {
      if (subset & (1 << item)) continue;
      const size = bitCount(subset);
      const weight = (FACTORIAL[size]! * FACTORIAL[count - size - 1]!) / FACTORIAL[count]!;
      value += weight * (rSquared[subset | (1 << item)]! - rSquared[subset]!);
    }
    return value;
  });
}

function bitCount(value: number): number {
  let bits = 0;
  for (let rest = value; rest > 0; rest >>= 1) bits += rest & 1;
  return bits;
}

/** Shares of R² per item, or null when the model explains nothing. */
function sharesOf(profiles: Profiles): number[] | null {
  const rSquared = subsetRSquared(profiles);
  if (rSquared === null) return null;
  const full = rSquared[rSquared.length - 1]!;
  if (!(full > 0)) return null;
  return shapley(rSquared).map((value) => value / full);
}

/** The increment of mulberry32's state (db/seed/random.ts). */
const STEP = 0x6d2b79f5;

/** mulberry32's uniform number for a state already stepped, as `seededRandom().next` returns it. */
function uniform(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * One bootstrap sample's weights: a Poisson draw of mean `weights[row]` for
 * every profile, into `out`; returns the generator's state after it. The
 * draws are those of `seededRandom` (mulberry32) from `state`, with the
 * state kept in a local variable through the loop instead of the
 * generator's closure: these draws (about ten uniform numbers a profile) are
 * most of the bootstrap's time, which took 1.6 times as long through the
 * closure.
 * Means above 30 take the normal approximation (Box–Muller, as
 * `seededRandom().normal`); below, Knuth's product of uniforms against
 * `limits[row]` = exp(−mean), worked out once per profile.
 */
export function poissonSample(weights: Float64Array, limits: Float64Array, out: Float64Array, seedState: number): number {
  let state = seedState;
  for (let row = 0; row < weights.length; row++) {
    const mean = weights[row]!;
    if (mean > 30) {
      state = (state + STEP) >>> 0;
      const first = uniform(state);
      state = (state + STEP) >>> 0;
      const normal = Math.sqrt(-2 * Math.log(1 - first)) * Math.cos(2 * Math.PI * uniform(state));
      out[row] = Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
      continue;
    }
    const limit = limits[row]!;
    state = (state + STEP) >>> 0;
    let product = uniform(state);
    let draws = 0;
    while (product > limit) {
      state = (state + STEP) >>> 0;
      product *= uniform(state);
      draws++;
    }
    out[row] = draws;
  }
  return state;
}

/** A stable number from text, to seed each tier's bootstrap reproducibly. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function percentile(sorted: readonly number[], share: number): number {
  const position = (sorted.length - 1) * share;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/**
 * The latest results per period and tier with the profiles they came from.
 * A new answer changes one tier's profiles; the other tiers of its quarter
 * find theirs here instead of running the bootstrap again. The result is a
 * function of the period, the tier and the profiles in their order, which
 * are compared whole, so a result is only ever reused for the same input.
 */
const recent = new Map<string, { data: Profiles; result: DriverImportance | null }>();
/** Eight quarters of three tiers: a review's range. At most about 0.5 MB each. */
const RECENT_SIZE = 24;

const sameData = (a: Profiles, b: Profiles) =>
  a.weights.length === b.weights.length && a.weights.every((weight, i) => weight === b.weights[i]) && a.rows.every((value, i) => value === b.rows[i]);

const copyOf = (result: DriverImportance | null): DriverImportance | null =>
  result && { ...result, shares: result.shares.map((share) => ({ ...share })), lead: { ...result.lead } };

/**
 * Relative importance of the driver items in one tier of a period, from its
 * complete response profiles; null with fewer than 30 complete answers or
 * when the items explain nothing.
 */
export function driverImportance(period: string, tier: string, profiles: readonly DriverProfileCount[]): DriverImportance | null {
  const own = profiles.filter((profile) => profile.tier === tier && profile.count > 0);
  const data: Profiles = {
    rows: Float64Array.from(own.flatMap((profile) => [profile.missUsOrdinal, ...profile.values])),
    weights: Float64Array.from(own, (profile) => profile.count),
  };
  const key = `${period}\u0000${tier}`;
  const known = recent.get(key);
  if (known && sameData(known.data, data)) {
    recent.delete(key);
    recent.set(key, known);
    return copyOf(known.result);
  }
  const result = computeImportance(period, tier, data);
  recent.delete(key);
  recent.set(key, { data, result: copyOf(result) });
  if (recent.size > RECENT_SIZE) recent.delete(recent.keys().next().value!);
  return result;
}

function computeImportance(period: string, tier: string, data: Profiles): DriverImportance | null {
  const n = data.weights.reduce((sum, weight) => sum + weight, 0);
  if (n < MIN_IMPORTANCE_ANSWERS) return null;
  const shares = sharesOf(data);
  if (shares === null) return null;
  const order = shares.map((share, index) => ({ share, index })).sort((a, b) => b.share - a.share);
  const first = order[0]!.index;
  const second = order[1]!.index;
  // The generator of seededRandom(seed), its state carried by poissonSample.
  let state = seedOf(`${period} ${tier}`) >>> 0;
  const differences: number[] = [];
  const limits = data.weights.map((weight) => Math.exp(-weight));
  const resampled = new Float64Array(data.weights.length);
  for (let sample = 0; sample < BOOTSTRAP_SAMPLES; sample++) {
    state = poissonSample(data.weights, limits, resampled, state);
    const again = sharesOf({ rows: data.rows, weights: resampled });
    // A resample in which the items explain nothing gives no lead at all.
    differences.push(again === null ? 0 : again[first]! - again[second]!);
  }
  differences.sort((a, b) => a - b);
  const lead = { difference: shares[first]! - shares[second]!, low: percentile(differences, 0.025), high: percentile(differences, 0.975) };
  return {
    tier,
    n,
    rSquared: subsetRSquared(data)![(1 << DRIVER_ITEMS.length) - 1]!,
    shares: DRIVER_ITEMS.map((item, index) => ({ item, share: shares[index]! })),
    leader: lead.low > 0 ? DRIVER_ITEMS[first]! : null,
    lead,
  };
}
