/**
 * The `pti_drop` rule compares a response with the customer's most recent
 * EARLIER response that has a PTI, by completion time, in any period. Rows
 * may arrive in any order, so this search remembers only the responses being
 * flagged (their customers and times) and, for each, the best earlier
 * candidate seen so far: memory grows with those responses, never with the
 * whole history.
 */

/** A response whose earlier PTI is wanted. */
export interface EarlierPtiTarget {
  customerId: string;
  completedAt: number;
}

/**
 * Finds, for each target response, the customer's latest response with a PTI
 * completed strictly before it. Among earlier responses completed at the
 * same instant, the one offered last (later in the file) wins.
 *
 * Each customer's targets sit in one block of flat arrays, sorted by time,
 * with a Fenwick tree of prefix maxima over the block: an offer completed at
 * t is earlier than every target after t, a suffix of the block, so it is
 * recorded at the first such position, and each target reads the best offer
 * at or before its own position. A customer with k responses in the period
 * costs O(log k) per offer, and the state is a few numbers per target.
 */
export class EarlierPtiSearch<Target extends EarlierPtiTarget> {
  private readonly targets: Target[] = [];
  /** Customer id → its block number. */
  private readonly blockOf = new Map<string, number>();
  /** Block b holds targets blockStart[b] … blockStart[b + 1] − 1. */
  private readonly blockStart: number[] = [];
  private readonly times: Float64Array;
  /** Best offer per tree node: completion time, arrival sequence, PTI (NaN = none). */
  private readonly bestAt: Float64Array;
  private readonly bestSequence: Float64Array;
  private readonly bestPti: Float64Array;
  private sequence = 0;

  constructor(targets: Iterable<Target>) {
    const grouped = new Map<string, Target[]>();
    for (const target of targets) {
      const list = grouped.get(target.customerId);
      if (list === undefined) grouped.set(target.customerId, [target]);
      else list.push(target);
    }
    for (const [customerId, list] of grouped) {
      this.blockOf.set(customerId, this.blockStart.length);
      this.blockStart.push(this.targets.length);
      list.sort((a, b) => a.completedAt - b.completedAt);
      for (const target of list) this.targets.push(target);
    }
    this.blockStart.push(this.targets.length);
    const size = this.targets.length;
    this.times = Float64Array.from(this.targets, (target) => target.completedAt);
    this.bestAt = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
    this.bestSequence = new Float64Array(size);
    this.bestPti = new Float64Array(size).fill(Number.NaN);
  }

  /** Whether responses of this customer matter to the search. */
  wants(customerId: string): boolean {
    return this.blockOf.has(customerId);
  }

  /** Considers one response that has a PTI; call for every such response. */
  offer(customerId: string, completedAt: number, ptiTwelfths: number): void {
    const block = this.blockOf.get(customerId);
    if (block === undefined) return;
    const sequence = ++this.sequence;
    const start = this.blockStart[block]!;
    const size = this.blockStart[block + 1]! - start;
    // Tree nodes are numbered 1…size inside the block; node n lives at start + n − 1.
    for (let node = this.firstLater(start, size, completedAt) + 1; node <= size; node += node & -node) {
      const slot = start + node - 1;
      const at = this.bestAt[slot]!;
      if (completedAt > at || (completedAt === at && sequence > this.bestSequence[slot]!)) {
        this.bestAt[slot] = completedAt;
        this.bestSequence[slot] = sequence;
        this.bestPti[slot] = ptiTwelfths;
      }
    }
  }

  /**
   * Each target combined with the PTI (twelfths) of its latest earlier
   * response, or null: `combine` builds the result directly, so that no
   * intermediate copy of every target is made.
   */
  results<Result>(combine: (target: Target, earlierPtiTwelfths: number | null) => Result): Result[] {
    const results: Result[] = [];
    for (let block = 0; block + 1 < this.blockStart.length; block++) {
      const start = this.blockStart[block]!;
      const size = this.blockStart[block + 1]! - start;
      for (let position = 1; position <= size; position++) {
        let at = Number.NEGATIVE_INFINITY;
        let sequence = 0;
        let pti = Number.NaN;
        for (let node = position; node > 0; node -= node & -node) {
          const slot = start + node - 1;
          if (this.bestAt[slot]! > at || (this.bestAt[slot] === at && this.bestSequence[slot]! > sequence)) {
            at = this.bestAt[slot]!;
            sequence = this.bestSequence[slot]!;
            pti = this.bestPti[slot]!;
          }
        }
        results.push(combine(this.targets[start + position - 1]!, Number.isNaN(pti) ? null : pti));
      }
    }
    return results;
  }

  /** Position in the block (0-based) of the first target completed after `instant`. */
  private firstLater(start: number, size: number, instant: number): number {
    let low = 0;
    let high = size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.times[start + middle]! > instant) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
