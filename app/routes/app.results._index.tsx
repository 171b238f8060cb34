import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { quarterFitHeadlines } from '~/reports/fit.server';
import { flagLoop } from '~/reports/flag-loop.server';
import { openFlagsByTier } from '~/reports/tier-flags.server';
import { servicePromisesOf } from '~/reports/service-promises.server';
import { topTierNonResponders } from '~/reports/non-responders.server';
import { parseReviewRange, tierReview } from '~/reports/tier-review.server';
import { DriverTable } from '~/ui/driver-table';
import { EmptyState } from '~/ui/form';
import { FindingsSection } from '~/ui/findings-section';
import { FitFindings } from '~/ui/fit-findings';
import { FlagLoopTable } from '~/ui/flag-loop-table';
import { ReportActions } from '~/ui/report-actions';
import { ReviewCharts } from '~/ui/review-charts';
import { ResultsTabs } from '~/ui/results-tabs';
import { NonRespondersSection } from '~/ui/non-responders';
import { ServicePromises } from '~/ui/service-promises';
import { ReviewTable } from '~/ui/review-table';
import { ErodingStrengths, ThemeSection } from '~/ui/theme-section';
import { TierGlance } from '~/ui/tier-glance';
import { themeReportOf } from '~/themes/coded-answers.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const range = parseReviewRange(new URL(request.url).searchParams);
  const review = await tierReview(db(), member.workspace.id, range);
  const shown = review.periods.map((p) => p.period);
  const to = shown[shown.length - 1];
  const [glanceFlags, loop, themes, fit, nonResponders, promises] = await Promise.all([
    to ? openFlagsByTier(db(), member.workspace.id, to) : Promise.resolve([]),
    flagLoop(db(), member.workspace.id, { periods: shown }),
    // What customers would miss in the latest quarter shown, with its trend window.
    to ? themeReportOf(db(), member.workspace.id, to) : Promise.resolve(null),
    // Revenue at risk per tier in the latest quarter shown (the fit page has the customers).
    to ? quarterFitHeadlines(db(), member.workspace.id, to) : Promise.resolve(null),
    // The top tier's customers to call, and how each tier's promise is met, in the latest quarter shown.
    to ? topTierNonResponders(db(), member.workspace.id, to) : Promise.resolve(null),
    to ? servicePromisesOf(db(), member.workspace.id, to) : Promise.resolve(null),
  ]);
  return json({
    review,
    range: { from: shown[0] ?? '', to: to ?? '' },
    // For the printed report: whose it is and as of which day (the server's day, so the browser renders the same text).
    company: member.workspace.name,
    asOf: new Date().toISOString().slice(0, 10),
    glanceFlags,
    // The flag loop of the quarters shown, newest first as on the flag queue.
    loop,
    themes,
    fit,
    nonResponders,
    promises,
  });
}

export default function TierReviewPage() {
  const { t, i18n } = useTranslation();
  const { review, range, company, asOf, glanceFlags, loop, themes, promises, fit } = useLoaderData<typeof loader>();
  // A printed review carries its detailed table too, though the page keeps it folded.
  useEffect(() => {
    const unfold = () => document.querySelectorAll<HTMLDetailsElement>('details.review-details').forEach((details) => (details.open = true));
    window.addEventListener('beforeprint', unfold);
    return () => window.removeEventListener('beforeprint', unfold);
  }, []);
  const asOfText = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${asOf}T00:00:00Z`));
  return (
    <div className="report">
      {review.periods.length > 0 ? (
        <p className="print-only print-header">{t('results.glance.printed', { company, from: range.from, to: range.to, date: asOfText })}</p>
      ) : null}
      <title>{`${t('results.title')} · ${t('app.name')}`}</title>
      <h1>{t('results.title')}</h1>
      <ResultsTabs />
      <p className="muted">{t('results.intro')}</p>
      {review.periods.length === 0 ? (
        <EmptyState>
          <p>{t('results.empty')}</p>
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="range-form no-print" aria-label={t('results.range')}>
            <label>
              {t('results.from')}{' '}
              <select name="from" defaultValue={range.from}>
                {review.availablePeriods.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <label>
              {t('results.to')}{' '}
              <select name="to" defaultValue={range.to}>
                {review.availablePeriods.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <button type="submit" className="button">
              {t('results.show')}
            </button>
            <a className="button" href={`/app/results/review.csv?from=${range.from}&to=${range.to}`} download>
              {t('results.download')}
            </a>
          </Form>
          {/* The two questions per tier come first, above the fold; the PDF and the email of them right after. */}
          <TierGlance periods={review.periods} flags={glanceFlags} />
          <ReportActions range={range} />
          <FindingsSection review={review} allPeriods>
            {themes ? <ErodingStrengths report={themes} /> : null}
            <FitFindings fit={fit} />
          </FindingsSection>
          {themes ? <ThemeSection report={themes} /> : null}
          <ServicePromises report={promises} />
          <NonRespondersSection />
          <DriverTable review={review} />
          <FlagLoopTable rows={loop} headingId="loop-title" />
          <ReviewCharts review={review} migration={review.migration} />
          {/* The detailed figures are there for those who want them, not in the way of the rest. */}
          <details className="review-details">
            <summary>{t('results.table')}</summary>
            <ReviewTable review={review} />
          </details>
          <p className="muted no-print">{t('results.print')}</p>
        </>
      )}
    </div>
  );
}
