import type { TFunction } from 'i18next';
import type { LoopFigures } from '../analysis/flag-loop';
import type { FitTier } from '../analysis/fit';
import type { Change } from '../analysis/period-changes';
import type { PeriodReview } from '../analysis/period-review';
import type { ServicePromiseReview } from '../analysis/service-promises';
import { reviewChartSpecs, type ChartSpec } from '../ui/chart-configs';
import { reviewFindings } from '../ui/findings';
import { fitHeadlineSentences } from '../ui/fit-text';
import { formatNumber, formatPercent, MIN_ANSWERS } from '../ui/format';
import { MISS_US_LINE } from '../ui/palette';
import { promiseFigureText, promiseGapText, promiseGapVerdict } from '../ui/service-promise-text';
import type { TierReview } from './tier-review.server';

/**
 * The owner's report as plain content, in one language: what the PDF
 * (review-pdf.server.ts) and the quarterly email (quarterly-report.server.ts)
 * both show. It is a list of sections of a few generic kinds, so that a new
 * part of the report (eroding strengths, revenue at risk) is one more section
 * here and needs nothing new in the PDF or the email.
 */

export interface ReportCard {
  title: string;
  lines: string[];
}

export type ReportSection =
  /** Side-by-side facts per scope: the two questions per tier. */
  | { kind: 'cards'; id: string; title: string; intro?: string; cards: ReportCard[] }
  /** Sentences, optionally grouped (findings per quarter, loop rows). */
  | { kind: 'list'; id: string; title: string; intro?: string; groups: Array<{ title?: string; items: string[] }> }
  /** Charts drawn from the review's Chart.js configurations. */
  | { kind: 'charts'; id: string; title: string; charts: ChartSpec[] };

export interface ReportDocument {
  title: string;
  company: string;
  /** First and last quarter of the range, and the quarter the report speaks of (the last). */
  from: string;
  to: string;
  /** "Muster GmbH · quarters 2026-Q1 to 2026-Q4 · as of 6 December 2026": on every page. */
  header: string;
  sections: ReportSection[];
}

export interface ReportInput {
  company: string;
  review: Pick<TierReview, 'tiers' | 'periods' | 'migration'>;
  /** Customers with open and overdue flags per tier, in the last quarter of the range. */
  flags: Array<{ tier: string; open: number; overdue: number }>;
  /** The flag loop of the range's quarters. */
  loop: LoopFigures[];
  /** Each tier's service promise and how it is met, in the last quarter of the range. */
  promises?: ServicePromiseReview | null;
  /** Revenue at risk per tier in the last quarter of the range (docs/fit.md). */
  fit?: { period: string; byTier: Array<Pick<FitTier, 'tier' | 'answered' | 'total' | 'atRisk'>> } | null;
  asOf: Date;
}

function signed(value: number, locale: string, digits: number): string {
  const rounded = Number(value.toFixed(digits)) || 0;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${formatNumber(Math.abs(rounded), locale, digits)}`;
}

function scopeCard(period: PeriodReview, scope: PeriodReview['overall'], flags: { open: number; overdue: number }, t: TFunction, locale: string): ReportCard {
  const percent = (value: number) => formatPercent(value, locale);
  const miss = scope.metrics.missUs;
  const pti = scope.metrics.pti;
  const lines: string[] = [];
  if (miss.n < MIN_ANSWERS || miss.score === null) {
    lines.push(t('report.missUsTooFew', { n: miss.n }));
  } else {
    const line = miss.score < MISS_US_LINE ? t('results.glance.below') : t('results.glance.above');
    lines.push(t('report.missUs', { score: percent(miss.score), n: miss.n, low: percent(miss.low ?? miss.score), high: percent(miss.high ?? miss.score), line }));
    const change: Change | undefined = scope.changes?.missUs;
    if (change && change.delta !== null && period.previousPeriod) {
      lines.push(
        t('report.missUsChange', {
          period: period.previousPeriod,
          delta: signed(change.delta * 100, locale, 0),
          mark: change.significant ? t('report.significant') : '',
        }),
      );
    }
  }
  if (pti.n < MIN_ANSWERS || pti.mean === null) {
    lines.push(t('report.treatmentTooFew', { n: pti.n }));
  } else {
    const change = scope.changes?.pti;
    const changeText =
      change && change.delta !== null && period.previousPeriod
        ? t('report.treatmentChange', { delta: signed(change.delta, locale, 1), mark: change.significant ? t('report.significant') : '' })
        : '';
    lines.push(t('report.treatment', { pti: formatNumber(pti.mean, locale, 1), n: pti.n, change: changeText }));
  }
  lines.push(t('report.flags', { open: flags.open, overdue: flags.overdue }));
  return { title: scope.tier === null ? t('results.glance.all') : t('results.glance.tier', { tier: scope.tier }), lines };
}

function loopRow(row: LoopFigures, t: TFunction, locale: string): string {
  const share = (value: number | null, count: number, n: number) =>
    value === null ? `${t('report.tooFew')} (${count}/${n})` : t('report.loopShare', { share: formatPercent(value, locale), count, n });
  return t('report.loopRow', {
    period: row.period,
    tier: row.tier ?? t('flagsPage.loop.noTier'),
    raised: row.raised,
    inTime: share(row.inTimeShare, row.contactedInTime, row.due),
    days: row.medianDaysToClose === null ? `${t('report.tooFew')} (n = ${row.closed})` : formatNumber(row.medianDaysToClose, locale, 1),
    recovery: share(row.recoveryShare, row.recovered, row.answeredAgain),
  });
}

/** The service promises per tier: one card per tier, and one for lower tiers doing better than higher ones. */
function promisesSection(report: ServicePromiseReview, t: TFunction, locale: string): ReportSection {
  const cards: ReportCard[] = report.tiers.map((tier) => ({
    title: t('results.glance.tier', { tier: tier.tier }),
    lines: [
      tier.promise ? t('promises.promised', { promise: tier.promise }) : t('promises.noPromise'),
      ...(report.answered ? tier.items.map((figure) => promiseFigureText(figure, t, locale)) : []),
    ],
  }));
  if (report.answered) {
    const gaps = report.gaps.map((gap) =>
      t(gap.significant ? 'promises.pdfWarning' : 'promises.pdfNotSignificant', { text: `${promiseGapText(gap, t, locale)} ${promiseGapVerdict(gap, report, t, locale)}` }),
    );
    cards.push({ title: t('promises.pdfBetween'), lines: gaps.length > 0 ? gaps : [t('promises.noGaps')] });
  }
  return {
    kind: 'cards',
    id: 'promises',
    title: t('promises.title'),
    intro: report.answered ? t('promises.pdfIntro', { period: report.period }) : t('promises.empty', { period: report.period }),
    cards,
  };
}

/**
 * Revenue at risk: one sentence per tier with revenue imported, "€180,000 of
 * A-tier revenue would not miss us: …". None when no revenue is imported for
 * the quarter (the report says nothing it cannot know).
 */
function fitSections(fit: NonNullable<ReportInput['fit']>, t: TFunction, locale: string): ReportSection[] {
  const sentences = fitHeadlineSentences(fit, t, locale);
  if (sentences.length === 0) return [];
  return [{ kind: 'list', id: 'fit', title: t('fit.reportTitle'), intro: t('fit.reportIntro', { period: fit.period }), groups: [{ items: sentences }] }];
}

/**
 * The report of a review range in the language of `t`: the last quarter's two
 * questions per tier, the findings of the range in plain words, the flag
 * loop, and the charts. Null when the range has no quarter with data.
 */
export function reportDocument(input: ReportInput, t: TFunction, locale: string): ReportDocument | null {
  const { review } = input;
  const first = review.periods[0];
  const latest = review.periods[review.periods.length - 1];
  if (!first || !latest) return null;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(input.asOf);
  const flagsOf = (tier: string | null) =>
    tier === null
      ? input.flags.reduce((sum, row) => ({ open: sum.open + row.open, overdue: sum.overdue + row.overdue }), { open: 0, overdue: 0 })
      : (input.flags.find((row) => row.tier === tier) ?? { open: 0, overdue: 0 });
  const findings = reviewFindings(review, t, locale, { allPeriods: true });
  return {
    title: t('report.title'),
    company: input.company,
    from: first.period,
    to: latest.period,
    header: t('report.header', { company: input.company, from: first.period, to: latest.period, date }),
    sections: [
      {
        kind: 'cards',
        id: 'tiers',
        title: t('report.tiersTitle', { period: latest.period }),
        intro: t('report.tiersIntro'),
        cards: [latest.overall, ...latest.byTier].map((scope) => scopeCard(latest, scope, flagsOf(scope.tier), t, locale)),
      },
      {
        kind: 'list',
        id: 'findings',
        title: t('report.findingsTitle'),
        groups: findings.map((quarter) => ({ title: quarter.period, items: quarter.findings.map((finding) => finding.text) })),
      },
      // Eroding strengths join here as a section of its own once it exists.
      ...(input.fit ? fitSections(input.fit, t, locale) : []),
      ...(input.promises ? [promisesSection(input.promises, t, locale)] : []),
      {
        kind: 'list',
        id: 'loop',
        title: t('report.loopTitle'),
        intro: t('flagsPage.loop.intro'),
        groups: [{ items: input.loop.length > 0 ? input.loop.map((row) => loopRow(row, t, locale)) : [t('report.loopNone')] }],
      },
      { kind: 'charts', id: 'charts', title: t('report.chartsTitle'), charts: reviewChartSpecs(review, review.migration, t, locale) },
    ],
  };
}
