import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { listFlags } from '~/flags/flags.server';
import { parseFlagFilters } from '~/flags/forms';
import { flagDueAt } from '~/flags/service-level';
import { serviceLevelOf } from '~/flags/settings.server';
import { translator } from '~/i18n';
import { resolveLocale } from '~/i18n/locale.server';
import { csvDateTime, csvFormatOf, csvResponse, toCsv } from '~/reports/csv';

/** The flag queue, with the filters of the page, as CSV (German Excel unless ?format=international); kinds, reasons and statuses in the member's words. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const [flags, level, locale] = await Promise.all([
    listFlags(db(), member.workspace.id, parseFlagFilters(params), 100_000),
    serviceLevelOf(db(), member.workspace.id),
    resolveLocale(request, member.user.locale),
  ]);
  const t = translator(locale);
  const now = Date.now();
  const header = ['customer_number', 'customer', 'company', 'tier', 'period', 'campaign', 'kind', 'severity', 'reasons', 'status', 'assigned_to', 'raised_at', 'due_at', 'overdue'];
  const rows = flags.map((flag) => {
    const dueAt = flag.status === 'open' ? flagDueAt(flag.createdAt, flag.severity, level) : null;
    return [
      flag.externalId, flag.customerName, flag.customerCompany, flag.tier, flag.period, flag.campaignName,
      t(`flagsPage.kinds.${flag.kind}`), t(`flagsPage.severities.${flag.severity}`),
      flag.reasons.map((reason) => t(`flagsPage.reasonTexts.${reason}`)).join('; '), t(`flagsPage.statuses.${flag.status}`),
      flag.assigneeName, csvDateTime(flag.createdAt), csvDateTime(dueAt), dueAt && dueAt.getTime() < now ? t('flagsPage.overdue') : '',
    ];
  });
  return csvResponse(`flags-${member.workspace.slug}.csv`, toCsv(header, rows, csvFormatOf(params)));
}
