import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { customers, tierAssignments, workspaceTiers } from '../../db/schema';

const BATCH = 5000;
const HEADER = ['external_id', 'email', 'name', 'company', 'locale', 'tier', 'revenue', 'margin'];

/**
 * A text cell. Cells a spreadsheet would run as a formula get a leading
 * apostrophe (OWASP's advice against CSV injection).
 */
export function csvText(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The customers with their tier, revenue and margin in a period, as CSV that
 * the import reads back (UTF-8 with BOM for Excel, comma separated, numbers
 * in English notation). Streamed in batches, so memory stays flat.
 */
export function customerCsv(db: Database, workspaceId: string, period: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: string | null = null;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${HEADER.join(',')}\r\n`));
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
      const text = rows
        .map((row) =>
          [csvText(row.externalId), csvText(row.email), csvText(row.name), csvText(row.company), row.locale, csvText(row.tier), row.revenue ?? '', row.margin ?? ''].join(','),
        )
        .join('\r\n');
      controller.enqueue(encoder.encode(`${text}\r\n`));
    },
  });
}
