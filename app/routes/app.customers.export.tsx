import type { LoaderFunctionArgs } from '@remix-run/node';
import { recordAudit } from '~/auth/audit.server';
import { requireMember } from '~/auth/session.server';
import { customerCsv } from '~/customers/customer-csv.server';
import { isPeriod } from '~/customers/period';
import { listPeriods } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { notFound } from '~/http/request.server';
import { resolveLocale } from '~/i18n/locale.server';
import { csvFormatOf } from '~/reports/csv';

/** The customer list of a period as a CSV download that the import reads back; German Excel unless ?format=international. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const requested = params.get('period') ?? '';
  const period = isPeriod(requested) ? requested : (await listPeriods(db(), member.workspace.id))[0];
  if (!period) notFound();
  await recordAudit(db(), { workspaceId: member.workspace.id, actorUserId: member.user.id, action: 'customers.downloaded', subjectType: 'customers', details: { period } });
  const format = csvFormatOf(params);
  const locale = await resolveLocale(request, member.user.locale);
  return new Response(customerCsv(db(), member.workspace.id, period, { format, locale }), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="customers-${member.workspace.slug}-${period}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
