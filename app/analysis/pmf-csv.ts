/**
 * The `analyze` command's optional customer-attribute columns for the
 * product/market-fit engine (docs/pmf-engine.md): `industry`, `size`,
 * `region`, `customer_since` (YYYY-MM-DD) and `account_owner`. A file without
 * them keeps working; the engine then tests the tier only.
 */
import { computePmfPlan, PMF_ATTRIBUTES, tenureBand, type PmfAttribute, type PmfResponse, type PmfResult } from './pmf-engine';
import { ResponseInputError } from './response-csv';
import type { ResponseRow } from './response-row';
import type { ThemeMatcher } from './themes';

export const PMF_CSV_COLUMNS = ['industry', 'size', 'region', 'customer_since', 'account_owner'] as const;
type PmfCsvColumn = (typeof PMF_CSV_COLUMNS)[number];

/** Longer cells are refused: attribute values are labels, not texts. */
const MAX_ATTRIBUTE_CHARS = 200;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The engine's output in the analysis document, overall and per tier. */
export interface PmfEngineDocument {
  period: string;
  /** The optional attribute columns the file has. */
  columns: PmfCsvColumn[];
  /** `tier: null` is all tiers (the tier is an attribute there); then one entry per tier. */
  scopes: Array<{ tier: string | null } & PmfResult>;
}

/** Reads the attribute columns of a response file and collects the period's rows for the engine. */
export class PmfCsvColumns {
  private positions: Partial<Record<PmfCsvColumn, number>> = {};

  /** Notes where the optional columns are in the header record. */
  readHeader(fields: readonly string[]): void {
    const names = fields.map((field) => field.trim());
    this.positions = Object.fromEntries(PMF_CSV_COLUMNS.filter((column) => names.includes(column)).map((column) => [column, names.indexOf(column)]));
  }

  get columns(): PmfCsvColumn[] {
    return PMF_CSV_COLUMNS.filter((column) => this.positions[column] !== undefined);
  }

  /**
   * The engine's view of a valid row of the period. `copy` makes the kept
   * texts independent of the chunk they were cut from. Throws a
   * ResponseInputError for a bad attribute value.
   */
  responseOf(row: ResponseRow, fields: readonly string[], line: number, copy: (text: string) => string): PmfResponse {
    const cell = (column: PmfCsvColumn): string | null => {
      const position = this.positions[column];
      if (position === undefined) return null;
      const text = fields[position]!.trim();
      if (text.length > MAX_ATTRIBUTE_CHARS) throw new ResponseInputError(line, column, `longer than ${MAX_ATTRIBUTE_CHARS} characters`);
      return text === '' ? null : copy(text);
    };
    const since = cell('customer_since');
    if (since !== null && !isDate(since)) throw new ResponseInputError(line, 'customer_since', `"${since}" is not a date written like 2019-03-01`);
    return {
      id: copy(row.customerId),
      tier: row.tier,
      missUs: row.missUs,
      benefit: row.benefit,
      // Only the texts the engine reads are kept: miss_most of the very, improve of the somewhat disappointed.
      missMost: row.missUs === 'very' ? copy(row.missMost) : null,
      improve: row.missUs === 'somewhat' ? copy(row.improve) : null,
      attributes: {
        industry: cell('industry'),
        size: cell('size'),
        region: cell('region'),
        tenure: tenureBand(since, row.period),
        accountOwner: cell('account_owner'),
      },
    };
  }
}

function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** Runs the engine over the counted responses of the period: all tiers, then each tier in `tiers` order. */
export function pmfEngineDocument(period: string, columns: PmfCsvColumn[], responses: readonly PmfResponse[], tiers: readonly string[], matcher: ThemeMatcher): PmfEngineDocument {
  const perTier: readonly PmfAttribute[] = PMF_ATTRIBUTES.filter((attribute) => attribute !== 'tier');
  return {
    period,
    columns,
    scopes: [
      { tier: null, ...computePmfPlan(responses, matcher, PMF_ATTRIBUTES) },
      ...tiers.map((tier) => ({ tier, ...computePmfPlan(responses.filter((response) => response.tier === tier), matcher, perTier) })),
    ],
  };
}
