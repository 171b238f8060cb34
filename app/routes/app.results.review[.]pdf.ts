import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { translator } from '~/i18n';
import { resolveLocale } from '~/i18n/locale.server';
import { parseReportRange } from '~/reports/report-range';
import { reviewReport } from '~/reports/review-report.server';

/** The review of the chosen quarters as a PDF, in the member's language; every member who sees the review may download it. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const locale = await resolveLocale(request, member.user.locale);
  const t = translator(locale);
  const parsed = parseReportRange({ from: params.get('from'), to: params.get('to') });
  if (!parsed.ok) return text(400, t('report.badPeriod'));
  const report = await reviewReport(db(), member.workspace, parsed.range, locale);
  if (!report) return text(404, t('report.noData'));
  return new Response(new Uint8Array(report.pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${report.filename}"`,
      'Content-Length': String(report.pdf.length),
      'Cache-Control': 'private, no-store',
    },
  });
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}
