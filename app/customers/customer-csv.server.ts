import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { customers, tierAssignments, workspaceTiers } from '../../db/schema';
import { translator, type Locale } from '../i18n';
import { CSV_BOM, csvLine, type CsvFormat } from '../reports/csv';

const BATCH = 5000;
const COLUMNS = ['customerNumber', 'email', 'name', 'company', 'language', 'tier', 'revenue', 'margin'] as const;

/**
 * The customers with their tier, revenue and margin in a period, as CSV that
 * the import reads back: headers and languages in the member's words (the
 * import knows both languages' names), in the chosen format (German Excel by
 * default). Streamed in batches, so memory stays flat.
 */
export function customerCsv(db: Database, workspaceId: string, period: string, options: { format: CsvFormat; locale: Locale }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const t = translator(options.locale);
  let after: string | null = null;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(CSV_BOM + csvLine(COLUMNS.map((column) => t(`csv.${column}`)), options.format)));
        return;
      }
      const rows = await db
        .select({
          customerId: tierAssignments.customerId,
          externalId: customers.externalId,
          email: customers.email,
          name: customers.name,
          company: customers.company,
          locale: customers.locale,
          tier: workspaceTiers.label,
          revenue: tierAssignments.revenue,
          margin: tierAssignments.margin,
        })
        .from(tierAssignments)
        .innerJoin(customers, eq(customers.id, tierAssignments.customerId))
        .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
        .where(
          and(
            eq(tierAssignments.workspaceId, workspaceId),
            eq(tierAssignments.period, period),
            isNull(customers.erasedAt),
            after ? gt(tierAssignments.customerId, after) : undefined,
          ),
        )
        .orderBy(asc(tierAssignments.customerId))
        .limit(BATCH);
      if (rows.length === 0) {
        controller.close();
        return;
      }
      after = rows[rows.length - 1]!.customerId;
      const amount = (value: string | null) => (value === null ? null : Number(value));
      const text = rows
        .map((row) =>
          csvLine([row.externalId, row.email, row.name, row.company, t(`csv.languages.${row.locale}`), row.tier, amount(row.revenue), amount(row.margin)], options.format),
        )
        .join('');
      controller.enqueue(encoder.encode(text));
    },
  });
}
