/**
 * One response per customer and period: when a customer answered several
 * campaigns in one quarter, only the latest completed response counts (on a
 * tie, the later one in the file), for every figure, signal and flag. Earlier
 * ones still count as "earlier responses" for the `pti_drop` rule.
 *
 * The chooser is built for streaming: rows are offered in file order with
 * their sequence number, and asked about afterwards. Customers are numbered
 * once (one copy of each id), and each tracked period holds two numbers per
 * customer, so memory grows with customers × tracked periods, not with rows.
 */

interface PeriodSlot {
  /** Completion time of the chosen row per customer number; NaN = none yet. */
  at: Float64Array;
  /** Sequence number of the chosen row per customer number. */
  sequence: Float64Array;
}

const INITIAL_CUSTOMERS = 1024;

export class LatestResponseChooser {
  private readonly customerNumbers = new Map<string, number>();
  private readonly slots = new Map<string, PeriodSlot>();
  /** `period customerNumber` of every customer with more than one row in a tracked period. */
  private readonly repeated = new Set<string>();
  private readonly repeatedCustomers = new Set<string>();

  /**
   * Considers a row of `period`; `sequence` must grow with the file order.
   * `copy` makes the id independent of the text it was cut from (see the CLI).
   */
  offer(period: string, customerId: string, completedAt: number, sequence: number, copy: (id: string) => string = (id) => id): void {
    let number = this.customerNumbers.get(customerId);
    if (number === undefined) {
      const id = copy(customerId);
      number = this.customerNumbers.size;
      this.customerNumbers.set(id, number);
    }
    const slot = this.slotOf(period, number);
    const chosenAt = slot.at[number]!;
    if (Number.isNaN(chosenAt)) {
      slot.at[number] = completedAt;
      slot.sequence[number] = sequence;
      return;
    }
    this.repeated.add(`${period} ${number}`);
    if (!this.repeatedCustomers.has(customerId)) this.repeatedCustomers.add(copy(customerId));
    if (completedAt > chosenAt || (completedAt === chosenAt && sequence > slot.sequence[number]!)) {
      slot.at[number] = completedAt;
      slot.sequence[number] = sequence;
    }
  }

  /** Whether the row counts: the chosen one of its customer and period, or of an untracked period. */
  isChosen(period: string, customerId: string, sequence: number): boolean {
    const slot = this.slots.get(period);
    const number = this.customerNumbers.get(customerId);
    if (slot === undefined || number === undefined || number >= slot.at.length) return true;
    return Number.isNaN(slot.at[number]!) || slot.sequence[number] === sequence;
  }

  /** Whether the customer has several rows in some tracked period (a cheap test before parsing). */
  hasRepeats(customerId: string): boolean {
    return this.repeatedCustomers.has(customerId);
  }

  /** Whether the customer has several rows in `period`. */
  repeatsIn(period: string, customerId: string): boolean {
    const number = this.customerNumbers.get(customerId);
    return number !== undefined && this.repeated.has(`${period} ${number}`);
  }

  /** Stops tracking a period (its rows then all count). */
  forget(period: string): void {
    this.slots.delete(period);
  }

  tracks(period: string): boolean {
    return this.slots.has(period);
  }

  private slotOf(period: string, number: number): PeriodSlot {
    let slot = this.slots.get(period);
    if (slot === undefined) {
      slot = { at: new Float64Array(INITIAL_CUSTOMERS).fill(Number.NaN), sequence: new Float64Array(INITIAL_CUSTOMERS) };
      this.slots.set(period, slot);
    }
    if (number >= slot.at.length) {
      const size = Math.max(number + 1, slot.at.length * 2);
      const at = new Float64Array(size).fill(Number.NaN);
      at.set(slot.at);
      const sequence = new Float64Array(size);
      sequence.set(slot.sequence);
      slot = { at, sequence };
      this.slots.set(period, slot);
    }
    return slot;
  }
}

/** The rows that count, in their original order: the latest per customer and period. */
export function latestPerCustomerAndPeriod<Row extends { customerId: string; period: string; completedAt: number }>(
  rows: readonly Row[],
): Row[] {
  const chooser = new LatestResponseChooser();
  rows.forEach((row, index) => chooser.offer(row.period, row.customerId, row.completedAt, index));
  return rows.filter((row, index) => chooser.isChosen(row.period, row.customerId, index));
}
