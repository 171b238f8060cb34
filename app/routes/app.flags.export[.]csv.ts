import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { listFlags } from '~/flags/flags.server';
import { parseFlagFilters } from '~/flags/forms';
import { csvResponse, toCsv } from '~/reports/csv';

/** The flag queue, with the filters of the page, as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const flags = await listFlags(db(), member.workspace.id, parseFlagFilters(new URL(request.url).searchParams), 100_000);
  const header = ['customer_number', 'customer', 'company', 'tier', 'period', 'campaign', 'kind', 'severity', 'reasons', 'status', 'assigned_to', 'raised_at'];
  const rows = flags.map((flag) => [
    flag.externalId, flag.customerName, flag.customerCompany, flag.tier, flag.period, flag.campaignName, flag.kind, flag.severity,
    flag.reasons.join(' '), flag.status, flag.assigneeName, flag.createdAt.toISOString(),
  ]);
  return csvResponse(`flags-${member.workspace.slug}.csv`, toCsv(header, rows));
}
