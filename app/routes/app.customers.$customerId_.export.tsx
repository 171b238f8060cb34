import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { exportCustomer } from '~/customers/privacy.server';
import { db } from '~/db.server';
import { notFound } from '~/http/request.server';

/**
 * Everything stored about one customer, as a JSON download (a privacy
 * request); recorded in the audit log. Owners only: it holds the customer's
 * tiers, revenue, margin and internal notes, which marketing need not take away.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const data = await exportCustomer(db(), member.workspace.id, params.customerId ?? '', member.user.id);
  if (!data) notFound();
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="customer-${data.customer.id}.json"`,
      'Cache-Control': 'no-store',
    },
  });
}
