import { z } from 'zod';
import type { ImportColumn } from './import-columns';
import { normalizeEmail, parseAmount, parseCustomerSince, parseLocale, parsePeriod, parseSizeBand, type NumberNotation } from './import-values';

/** What every row is checked against: the workspace's tiers and the import's settings. */
export interface RowRules {
  /** Tier labels, lower-cased, to their position (1 = best). */
  tierPositions: ReadonlyMap<string, number>;
  /** Whether the tier comes from the tier column (else from the ABC analysis of `abcColumn`). */
  tiersFromColumn: boolean;
  abcColumn: 'revenue' | 'margin';
  notation: NumberNotation;
  period: string;
  /** Members of the workspace by lower-cased email, to their user id: the possible account owners. */
  memberIds?: ReadonlyMap<string, string>;
}

/** One valid row. Absent columns are `undefined`; empty cells of optional columns `null`. */
export interface CustomerRow {
  externalId: string;
  email: string;
  name: string | null | undefined;
  company: string | null | undefined;
  locale: 'de' | 'en' | null | undefined;
  /** Tier position from the tier column, or undefined when tiers come from the ABC analysis. */
  tierPosition: number | undefined;
  revenueCents: number | null | undefined;
  marginCents: number | null | undefined;
  /** The member who looks after the customer; null clears it, undefined (no column) keeps it. */
  accountOwnerId: string | null | undefined;
  /** Attributes for the product/market-fit engine; same absent/empty rule as the other optional columns. */
  industry: string | null | undefined;
  /** Employee band (`SIZE_BANDS`). */
  size: string | null | undefined;
  region: string | null | undefined;
  /** `YYYY-MM-DD`. */
  customerSince: string | null | undefined;
}

/** The cells of one record by column; a column the file lacks is absent. */
export type RowCells = Partial<Record<ImportColumn, string>>;

export const MAX_TEXT = 200;

/**
 * No cell of a customer file is longer than this (an email address has at
 * most 254 characters); a longer cell is refused before any parser reads it,
 * so no parser's cost depends on what a 64 KB record can hold.
 */
export const MAX_CELL_CHARS = 1000;

/** The first column whose cell is longer than MAX_CELL_CHARS, if any. */
export function overlongCell(cells: RowCells): ImportColumn | undefined {
  return (Object.keys(cells) as ImportColumn[]).find((column) => (cells[column]?.length ?? 0) > MAX_CELL_CHARS);
}

const hasControlCharacters = (text: string) => /[\u0000-\u001f\u007f]/.test(text);

function optionalText(code: 'name' | 'company' | 'industry' | 'region') {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const value = text.replace(/\s+/g, ' ').trim();
      if (value.length > MAX_TEXT) {
        ctx.addIssue({ code: 'custom', message: 'too_long', params: { max: MAX_TEXT, column: code } });
        return z.NEVER;
      }
      return value === '' ? null : value;
    });
}

function amount(rules: RowRules, column: 'revenue' | 'margin') {
  const required = !rules.tiersFromColumn && rules.abcColumn === column;
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      if (text.trim() === '') {
        if (required) ctx.addIssue({ code: 'custom', message: 'abc_value_missing' });
        return null;
      }
      const result = parseAmount(text, rules.notation);
      if (result.ok) return result.cents;
      // A negative margin is a loss-making customer, not an error; the ABC analysis counts it as zero.
      if (result.error === 'negative' && column === 'margin') {
        const magnitude = parseAmount(text.replace(/^\s*[-−(]|[)-]\s*$/g, ''), rules.notation);
        if (magnitude.ok) return -magnitude.cents;
      }
      ctx.addIssue({ code: 'custom', message: result.error, params: { value: text.trim().slice(0, 40) } });
      return z.NEVER;
    });
}

/**
 * The zod schema for one record's cells. Issue messages are codes
 * (`email_invalid`, `tier_unknown`, …) that `importErrorMessage` turns into text.
 */
export function customerRowSchema(rules: RowRules) {
  return z
    .object({
      external_id: z
        .string()
        .transform((text) => text.trim())
        .pipe(z.string().min(1, 'external_id_missing').max(100, 'external_id_too_long').refine((id) => !hasControlCharacters(id), 'external_id_invalid')),
      email: z
        .string()
        .transform(normalizeEmail)
        .pipe(z.string().min(1, 'email_missing').max(254, 'email_invalid').pipe(z.email({ error: 'email_invalid' }))),
      name: optionalText('name'),
      company: optionalText('company'),
      locale: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined) return undefined;
          if (text.trim() === '') return null;
          const locale = parseLocale(text);
          if (!locale) ctx.addIssue({ code: 'custom', message: 'locale_invalid', params: { value: text.trim().slice(0, 40) } });
          return locale ?? z.NEVER;
        }),
      tier: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (!rules.tiersFromColumn) return undefined;
          const label = (text ?? '').trim();
          if (label === '') {
            ctx.addIssue({ code: 'custom', message: 'tier_missing' });
            return z.NEVER;
          }
          const position = rules.tierPositions.get(label.toLowerCase());
          if (position === undefined) {
            ctx.addIssue({ code: 'custom', message: 'tier_unknown', params: { value: label.slice(0, 40) } });
            return z.NEVER;
          }
          return position;
        }),
      revenue: amount(rules, 'revenue'),
      margin: amount(rules, 'margin'),
      period: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined || text.trim() === '') return undefined;
          if (parsePeriod(text) !== rules.period) {
            ctx.addIssue({ code: 'custom', message: 'period_mismatch', params: { value: text.trim().slice(0, 20) } });
          }
          return undefined;
        }),
      account_owner: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined) return undefined;
          const email = normalizeEmail(text);
          if (email === '') return null;
          const id = rules.memberIds?.get(email);
          if (id === undefined) ctx.addIssue({ code: 'custom', message: 'account_owner_unknown', params: { value: text.trim().slice(0, 60) } });
          return id ?? z.NEVER;
        }),
      industry: optionalText('industry'),
      size: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined) return undefined;
          if (text.trim() === '') return null;
          const band = parseSizeBand(text);
          if (band === null) ctx.addIssue({ code: 'custom', message: 'size_invalid', params: { value: text.trim().slice(0, 40) } });
          return band ?? z.NEVER;
        }),
      region: optionalText('region'),
      customer_since: z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined) return undefined;
          if (text.trim() === '') return null;
          const date = parseCustomerSince(text);
          if (date === null) ctx.addIssue({ code: 'custom', message: 'customer_since_invalid', params: { value: text.trim().slice(0, 40) } });
          return date ?? z.NEVER;
        }),
    })
    .transform(
      (cells): CustomerRow => ({
        externalId: cells.external_id,
        email: cells.email,
        name: cells.name,
        company: cells.company,
        locale: cells.locale,
        tierPosition: cells.tier,
        revenueCents: cells.revenue,
        marginCents: cells.margin,
        accountOwnerId: cells.account_owner,
        industry: cells.industry,
        size: cells.size,
        region: cells.region,
        customerSince: cells.customer_since,
      }),
    );
}
