import type { TFunction } from 'i18next';
import type { ImportColumn } from './import-columns';

export type ImportErrorCode =
  | 'file_empty'
  | 'file_pdf'
  | 'file_spreadsheet'
  | 'file_binary'
  | 'file_too_large'
  | 'file_changed'
  | 'no_rows'
  | 'column_missing'
  | 'column_repeated'
  | 'tier_source_missing'
  | 'quote_not_closed'
  | 'text_after_quote'
  | 'record_too_large'
  | 'too_many_fields'
  | 'external_id_missing'
  | 'external_id_too_long'
  | 'external_id_invalid'
  | 'external_id_repeated'
  | 'email_missing'
  | 'email_invalid'
  | 'too_long'
  | 'locale_invalid'
  | 'tier_missing'
  | 'tier_unknown'
  | 'not_a_number'
  | 'negative'
  | 'too_large'
  | 'abc_value_missing'
  | 'period_mismatch'
  | 'size_invalid'
  | 'customer_since_invalid'
  | 'more_errors';

/**
 * One problem with a file: where (the physical line the record starts on,
 * header = 1; null for the file as a whole) and which column, as a code with
 * its parameters so that each language can say it.
 */
export interface ImportError {
  line: number | null;
  column: ImportColumn | null;
  code: ImportErrorCode;
  params?: Record<string, string | number>;
}

/** Customers and value per tier, as the import assigns them (the ABC result when computed). */
export interface TierShare {
  label: string;
  position: number;
  customers: number;
  /** Sum of the tier's values in cents (revenue, or margin when tiers are by margin); null without values. */
  valueCents: number | null;
}

/** Everything the preview and the result show about one import. */
export interface ImportReport {
  period: string;
  /** Where the tiers come from: the tier column, or the ABC analysis of revenue or margin. */
  tiersFrom: 'column' | 'revenue' | 'margin' | null;
  encoding: string | null;
  delimiter: string | null;
  /** The header fields as written and the column each was read as (null: ignored). */
  columns: Array<{ header: string; column: ImportColumn | null }>;
  /** Customer records in the file, good and bad. */
  rows: number;
  badRows: number;
  created: number;
  updated: number;
  /** Customers per tier label in the period after the import (or as the preview would leave it). */
  tiers: Record<string, number>;
  /** The file's customers per tier (with the ABC analysis' value shares). */
  fileTiers: TierShare[];
  /**
   * Customers of the period who are not in the file but change tier with it:
   * the ABC analysis ranks every customer of the period (absent in reports
   * stored before it did).
   */
  periodChanges?: number;
  /** The first problems, in file order (at most MAX_REPORTED_ERRORS, then one `more_errors`). */
  errors: ImportError[];
  imported: boolean;
}

export const MAX_REPORTED_ERRORS = 1000;

/** The message of an error in the language of `t` (`customers.importErrors.*`). */
export function importErrorMessage(error: ImportError, t: TFunction): string {
  return t(`customers.importErrors.${error.code}`, { column: error.column ?? '', ...error.params });
}

/** The summary the command line prints with `--json` (the shape is fixed by issue 3). */
export function jsonSummary(report: ImportReport, t: TFunction) {
  return {
    rows: report.rows,
    created: report.created,
    updated: report.updated,
    tiers: report.tiers,
    errors: report.errors.map((error) => ({ line: error.line, column: error.column, message: importErrorMessage(error, t) })),
    imported: report.imported,
  };
}

/** A report for a file that failed before any row could be read. */
export function failedReport(period: string, errors: ImportError[], tiers: Record<string, number>): ImportReport {
  return {
    period,
    tiersFrom: null,
    encoding: null,
    delimiter: null,
    columns: [],
    rows: 0,
    badRows: 0,
    created: 0,
    updated: 0,
    tiers,
    fileTiers: [],
    errors,
    imported: false,
  };
}
