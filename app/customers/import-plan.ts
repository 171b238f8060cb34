import { abcTiers, type AbcThresholds } from './abc';
import type { ScanHeader, ScanVisitor } from './import-read';
import { MAX_REPORTED_ERRORS, type ImportError, type TierShare } from './import-report';
import type { CustomerRow } from './import-row';

/**
 * The outcome of the first, validating pass over a file: its problems, and
 * for every valid row only what the write pass cannot know by itself, the
 * tier (which the ABC analysis gives only after seeing every value). Memory
 * per row is an entry in `indexById` and a few bytes in typed arrays.
 */
export interface ImportPlan {
  header: ScanHeader | null;
  /** Customer records in the file, good and bad. */
  rows: number;
  badRows: number;
  errors: ImportError[];
  /** External id → index of its row among the valid rows. */
  indexById: Map<string, number>;
  /** Tier position (1 = best) per valid row. */
  tierPositions: Uint8Array;
  fileTiers: TierShare[];
  /** Customers of the period not in the file whose computed tier the file changes (the ABC analysis ranks the whole period). */
  periodChanges: PeriodTierChange[];
}

/** A customer already in the import's period, as the ABC analysis of the whole period needs it. */
export interface PeriodCustomer {
  externalId: string;
  revenueCents: number | null;
  marginCents: number | null;
  /** Tier position (1 = best) the customer has in the period now. */
  position: number;
  /** The tier came from an ABC analysis (and so follows it); tiers given by a file, the API or a member stay. */
  computed: boolean;
}

export interface PeriodTierChange {
  externalId: string;
  from: number;
  to: number;
}

/** A typed array that grows as rows come. */
class Column<T extends Float64Array | Uint8Array | Uint32Array> {
  constructor(public data: T) {}
  set(index: number, value: number) {
    if (index >= this.data.length) {
      const bigger = new (this.data.constructor as new (length: number) => T)(Math.max(1024, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[index] = value;
  }
}

/** ABC classes A, B, C on a workspace with `tierCount` tiers: A → 1, B → 2, C → 3, never past the last tier. */
export function abcPosition(tier: 'A' | 'B' | 'C', tierCount: number): number {
  return Math.min(tier === 'A' ? 1 : tier === 'B' ? 2 : 3, tierCount);
}

/** Collects the first pass; hand it to `scanCustomerFile` as the visitor, then call `finish`. */
export class ImportPlanBuilder implements ScanVisitor {
  private scanHeader: ScanHeader | null = null;
  private readonly indexById = new Map<string, number>();
  private readonly lines = new Column(new Uint32Array(1024));
  private readonly positions = new Column(new Uint8Array(1024));
  /** The value behind the tier shares (ABC column, else revenue), in cents; NaN when empty. */
  private readonly values = new Column(new Float64Array(1024));
  private readonly errors: ImportError[] = [];
  private omitted = 0;
  private firstOmittedLine: number | null = null;
  private badRows = 0;
  private lastBadLine: number | null = null;
  private valid = 0;

  constructor(
    private readonly tierLabels: readonly string[],
    private readonly thresholds: AbcThresholds,
  ) {}

  header(header: ScanHeader): void {
    this.scanHeader = header;
  }

  /** No problem found so far. */
  get clean(): boolean {
    return this.errors.length === 0;
  }

  row(row: CustomerRow, line: number, index: number): void {
    const first = this.indexById.get(row.externalId);
    if (first !== undefined) {
      this.error({ line, column: 'external_id', code: 'external_id_repeated', params: { value: row.externalId, first: this.lines.data[first]! } });
      return;
    }
    this.indexById.set(row.externalId, index);
    this.lines.set(index, line);
    this.positions.set(index, row.tierPosition ?? 0);
    const abcColumn = this.scanHeader?.tiersFrom === 'margin' ? row.marginCents : row.revenueCents;
    this.values.set(index, abcColumn ?? Number.NaN);
    this.valid = Math.max(this.valid, index + 1);
  }

  error(error: ImportError): void {
    if (error.line !== null && error.line !== this.lastBadLine && error.line !== 1) {
      this.badRows++;
      this.lastBadLine = error.line;
    }
    if (this.errors.length < MAX_REPORTED_ERRORS) {
      this.errors.push(error);
    } else {
      this.omitted++;
      this.firstOmittedLine ??= error.line;
    }
  }

  /**
   * Runs the ABC analysis when tiers are computed, and sums up the file's
   * tiers. `periodCustomers` are the period's customers before the import:
   * their values count in the ABC analysis too (DESIGN.md, "Tiers and
   * customers"); they are only needed here, so the caller can read them while
   * the file is scanned.
   */
  finish(rows: number, periodCustomers: readonly PeriodCustomer[] = []): ImportPlan {
    const n = this.valid;
    const tierCount = this.tierLabels.length;
    const positions = this.positions.data.subarray(0, n);
    const values = this.values.data.subarray(0, n);
    const periodChanges: PeriodTierChange[] = [];
    if (this.scanHeader && this.scanHeader.tiersFrom !== 'column' && this.errors.length === 0) {
      // Ranked together with the period's customers that are not in the file: a file of 10 customers
      // added to a quarter of 600 must not make its biggest customer A by itself.
      const byMargin = this.scanHeader.tiersFrom === 'margin';
      const others = periodCustomers.filter((customer) => !this.indexById.has(customer.externalId));
      // A negative margin (a loss-making customer) counts as zero: the last tier.
      const positive = (value: number | null) => (value !== null && value > 0 ? value : 0);
      const tiers = abcTiers(
        [...Array.from(values, (value) => positive(Number.isNaN(value) ? null : value)), ...others.map((customer) => positive(byMargin ? customer.marginCents : customer.revenueCents))],
        this.thresholds,
      );
      for (let index = 0; index < n; index++) positions[index] = abcPosition(tiers[index]!, tierCount);
      others.forEach((customer, k) => {
        const to = abcPosition(tiers[n + k]!, tierCount);
        if (customer.computed && to !== customer.position) periodChanges.push({ externalId: customer.externalId, from: customer.position, to });
      });
    }
    const fileTiers: TierShare[] = this.tierLabels.map((label, index) => ({ label, position: index + 1, customers: 0, valueCents: null }));
    for (let i = 0; i < n; i++) {
      const share = fileTiers[positions[i]! - 1];
      if (!share) continue;
      share.customers++;
      if (!Number.isNaN(values[i]!)) share.valueCents = (share.valueCents ?? 0) + values[i]!;
    }
    const errors = [...this.errors];
    if (this.omitted > 0) errors.push({ line: this.firstOmittedLine, column: null, code: 'more_errors', params: { count: this.omitted } });
    return {
      header: this.scanHeader,
      rows,
      badRows: this.badRows,
      errors,
      indexById: this.indexById,
      tierPositions: positions,
      fileTiers,
      periodChanges,
    };
  }
}
