import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { translator } from '~/i18n';
import { resolveLocale } from '~/i18n/locale.server';
import { sendReportOnDemand } from '~/reports/quarterly-report.server';
import { parseReportRange } from '~/reports/report-range';

/** "Email me this report" on the review: the report of the quarters shown goes to the member who asks, in their language. */
export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const form = await readFormData(request);
  const locale = await resolveLocale(request, member.user.locale);
  const t = translator(locale);
  const value = (name: string) => {
    const entry = form.get(name);
    return typeof entry === 'string' ? entry : null;
  };
  const parsed = parseReportRange({ from: value('from'), to: value('to') });
  if (!parsed.ok) return new Response(t('report.badPeriod'), { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const result = await sendReportOnDemand(db(), { workspace: member.workspace, user: { ...member.user, locale } }, parsed.range);
  if (!result.ok) return new Response(t('report.noData'), { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const back = new URLSearchParams({ ...(parsed.range.from ? { from: parsed.range.from } : {}), ...(parsed.range.to ? { to: parsed.range.to } : {}), report: 'sent' });
  return redirect(`/app/results?${back}`);
}

/** Only the form posts here; a visit goes to the review (after the session check every staff route makes). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireMember(db(), request);
  return redirect('/app/results');
}
