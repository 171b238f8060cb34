import { and, eq, sql } from 'drizzle-orm';
import { createElement } from 'react';
import type { Database } from '../../db/client.server';
import { memberships, quarterlyReports, users, workspaces } from '../../db/schema';
import QuarterlyReportEmail, { type QuarterlyReportSection } from '../../emails/quarterly-report';
import { env } from '../config/env.server';
import { queueEmail, type OutgoingAttachment } from '../email/outbox.server';
import { isLocale, translator, type Locale } from '../i18n';
import { reviewReport, type ReviewReport } from './review-report.server';

/**
 * The owner's quarterly report by email: the review of the quarter that just
 * ended in short (the two questions per tier, the findings, the flag loop),
 * the charts of those two questions inline, and the review's PDF attached, in
 * the recipient's language. It goes to every owner at the start of each
 * quarter (checked by the email worker's clock, see app/campaigns/worker.server.ts)
 * and to any member who asks for it on the review page. See
 * docs/decisions/0027-review-pdf-and-quarterly-email.md.
 */

/** The charts shown in the email itself: the two questions. The PDF has all of them. */
const INLINE_CHARTS = ['chart-miss-us', 'chart-pti'];

/** The quarter before the one `now` falls in (UTC): the one that just ended. */
export function previousQuarter(now: Date): string {
  const year = now.getUTCFullYear();
  const quarter = Math.floor(now.getUTCMonth() / 3) + 1;
  return quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
}

const contentIdOf = (chartId: string) => `${chartId}@wouldmiss`;

function emailSections(report: ReviewReport, t: ReturnType<typeof translator>): QuarterlyReportSection[] {
  return report.document.sections.map((section) => {
    if (section.kind === 'cards') return { title: section.title, intro: section.intro, cards: section.cards };
    if (section.kind === 'list') return { title: section.title, groups: section.groups };
    return {
      title: section.title,
      images: report.images
        .filter((image) => INLINE_CHARTS.includes(image.id))
        .map((image) => ({ contentId: contentIdOf(image.id), title: image.title, width: image.width, height: image.height })),
      note: t('report.email.chartsNote', { period: report.document.to }),
    };
  });
}

/** The report's files: the inline chart images, then the PDF. */
function attachmentsOf(report: ReviewReport): OutgoingAttachment[] {
  return [
    ...report.images
      .filter((image) => INLINE_CHARTS.includes(image.id))
      .map((image) => ({ filename: `${image.id}.png`, contentType: 'image/png', contentId: contentIdOf(image.id), content: image.png })),
    { filename: report.filename, contentType: 'application/pdf', content: report.pdf },
  ];
}

async function queueReport(
  db: Database,
  input: { report: ReviewReport; workspaceId: string; to: string; locale: Locale; idempotencyKey: string },
): Promise<{ id: string; duplicate: boolean }> {
  const { report, locale } = input;
  const t = translator(locale);
  const { company, from, to } = report.document;
  const vars = { company, period: to, from, to };
  const reviewUrl = `${env().APP_URL}/app/results?from=${from}&to=${to}`;
  return queueEmail(db, {
    kind: 'quarterly_report',
    workspaceId: input.workspaceId,
    to: input.to,
    fromName: company,
    subject: t('report.email.subject', vars),
    body: createElement(QuarterlyReportEmail, {
      lang: locale,
      texts: {
        preview: t('report.email.preview', vars),
        heading: t('report.email.heading', vars),
        // Interpolated by i18next, then `to` means the last quarter; the intro names it as the period.
        intro: t('report.email.intro', vars),
        button: t('report.email.button', vars),
        footer: t('report.email.footer', vars),
      },
      sections: emailSections(report, t),
      reviewUrl,
    }),
    idempotencyKey: input.idempotencyKey,
    link: reviewUrl,
    attachments: attachmentsOf(report),
  });
}

/**
 * Sends the report of a review range to one member now (the review page's
 * "email me this report"). A second request for the same range within the
 * same minute (a double click) sends nothing new.
 */
export async function sendReportOnDemand(
  db: Database,
  member: { workspace: { id: string; name: string }; user: { id: string; email: string; locale: Locale } },
  range: { from?: string; to?: string },
  now: Date = new Date(),
): Promise<{ ok: true; to: string } | { ok: false; reason: 'no-data' }> {
  const report = await reviewReport(db, member.workspace, range, member.user.locale, now);
  if (!report) return { ok: false, reason: 'no-data' };
  const minute = now.toISOString().slice(0, 16);
  await queueReport(db, {
    report,
    workspaceId: member.workspace.id,
    to: member.user.email,
    locale: member.user.locale,
    idempotencyKey: `quarterly-report:request:${member.user.id}:${report.document.from}:${report.document.to}:${minute}`,
  });
  return { ok: true, to: member.user.email };
}

/**
 * The scheduled report: for each workspace not yet reported for the quarter
 * that just ended, its owners get the review of that quarter (with the seven
 * before it) in their language. The report is made outside any transaction
 * (its charts and PDF take a moment); the quarter's row and the emails then
 * commit together, and only the process whose insert of the row succeeds
 * queues them, so the report goes out once per workspace and quarter
 * however many processes look at the same time. A workspace without answers
 * in that quarter is marked reported with no recipients. Returns the number
 * of emails queued.
 */
export async function sendDueQuarterlyReports(db: Database, now: Date = new Date()): Promise<number> {
  const period = previousQuarter(now);
  const due = await db
    .select({ id: workspaces.id, name: workspaces.name, defaultLocale: workspaces.defaultLocale })
    .from(workspaces)
    .where(sql`not exists (select 1 from ${quarterlyReports} q where q.workspace_id = ${workspaces.id} and q.period = ${period})`);
  let queued = 0;
  for (const workspace of due) {
    const owners = (
      await db
        .select({ userId: users.id, email: users.email, locale: users.locale })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.workspaceId, workspace.id), eq(memberships.role, 'owner')))
    ).map((owner) => ({ ...owner, locale: isLocale(owner.locale) ? owner.locale : workspace.defaultLocale }));
    const reports = new Map<Locale, ReviewReport | null>();
    for (const locale of new Set(owners.map((owner) => owner.locale))) {
      const report = await reviewReport(db, workspace, { to: period }, locale, now);
      // Without answers in that quarter the review would show an older one: nothing to report.
      reports.set(locale, report && report.document.to === period ? report : null);
    }
    const recipients = owners.filter((owner) => reports.get(owner.locale));
    queued += await db.transaction(async (tx) => {
      const [claimed] = await tx
        .insert(quarterlyReports)
        .values({ workspaceId: workspace.id, period, recipients: recipients.length })
        .onConflictDoNothing()
        .returning({ period: quarterlyReports.period });
      if (!claimed) return 0;
      for (const owner of recipients) {
        await queueReport(tx, {
          report: reports.get(owner.locale)!,
          workspaceId: workspace.id,
          to: owner.email,
          locale: owner.locale,
          idempotencyKey: `quarterly-report:${workspace.id}:${period}:${owner.userId}`,
        });
      }
      return recipients.length;
    });
  }
  return queued;
}
