import type { Database } from '../../db/client.server';
import { translator, type Locale } from '../i18n';
import { renderChartImage, type ChartImage } from './chart-images.server';
import { quarterFitHeadlines } from './fit.server';
import { flagLoop } from './flag-loop.server';
import { reportDocument, type ReportDocument } from './report-content';
import { reviewPdf } from './review-pdf.server';
import { servicePromisesOf } from './service-promises.server';
import { openFlagsByTier } from './tier-flags.server';
import { tierReview } from './tier-review.server';

export interface ReviewReport {
  document: ReportDocument;
  pdf: Buffer;
  /** Every chart of the report as PNG, in the report's order. */
  images: ChartImage[];
  filename: string;
}

/**
 * The review of a range as the owner's report: the same figures the review
 * page shows for that range (tiers, flags of the last quarter, the flag loop
 * of the quarters shown), written in `locale`, with its charts drawn on the
 * server and the PDF made from them. Null when the range has no quarter with
 * data.
 */
export async function reviewReport(
  db: Database,
  workspace: { id: string; name: string },
  range: { from?: string; to?: string },
  locale: Locale,
  now: Date = new Date(),
): Promise<ReviewReport | null> {
  const review = await tierReview(db, workspace.id, range);
  const shown = review.periods.map((p) => p.period);
  const to = shown[shown.length - 1];
  if (!to) return null;
  const [flags, loop, promises, fit] = await Promise.all([
    openFlagsByTier(db, workspace.id, to, now),
    flagLoop(db, workspace.id, { now, periods: shown }),
    servicePromisesOf(db, workspace.id, to),
    quarterFitHeadlines(db, workspace.id, to),
  ]);
  const t = translator(locale);
  const document = reportDocument({ company: workspace.name, review, flags, loop, promises, fit, asOf: now }, t, locale);
  if (!document) return null;
  const images = document.sections.flatMap((section) => (section.kind === 'charts' ? section.charts.map((spec) => renderChartImage(spec)) : []));
  const pdf = await reviewPdf(document, {
    images: new Map(images.map((image) => [image.id, image])),
    pageLabel: (page, pages) => t('report.page', { page, pages }),
    lang: locale,
  });
  return { document, pdf, images, filename: `wouldmiss-review-${document.from}-${document.to}.pdf` };
}
