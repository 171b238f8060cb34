import { Form, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/**
 * The review as a PDF and "email me this report", for the quarters shown.
 * Plain links and a plain form, so both work without JavaScript; the
 * confirmation comes back in the query (`?report=sent`) after the redirect.
 */
export function ReportActions({ range }: { range: { from: string; to: string } }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const query = new URLSearchParams({ from: range.from, to: range.to });
  return (
    <div className="range-form no-print">
      <a className="button" href={`/app/results/review.pdf?${query}`} download>
        {t('report.download')}
      </a>
      <Form method="post" action="/app/results/report">
        <input type="hidden" name="from" value={range.from} />
        <input type="hidden" name="to" value={range.to} />
        <button type="submit" className="button">
          {t('report.sendMe')}
        </button>
      </Form>
      {params.get('report') === 'sent' ? (
        <p role="status" className="alert alert-success">
          {t('report.sent')}
        </p>
      ) : null}
    </div>
  );
}
