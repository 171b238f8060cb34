import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { discardImportJob, getImportJob } from '~/customers/import-jobs.server';
import type { ImportReport } from '~/customers/import-report';
import { MigrationTable } from '~/customers/migration-table';
import { listPeriods, listTiers } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';
import { tierMigration } from '~/reports/tier-migration.server';
import { formatNumber, formatPercent } from '~/ui/format';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const job = await getImportJob(db(), member.workspace.id, params.jobId ?? '');
  if (!job) notFound();
  const tiers = await listTiers(db(), member.workspace.id);
  let migration = null;
  if (job.status === 'imported') {
    const previous = (await listPeriods(db(), member.workspace.id)).find((period) => period < job.period);
    if (previous) migration = await tierMigration(db(), member.workspace.id, previous, job.period);
  }
  const { preview, result, ...rest } = job;
  return json({ job: rest, report: (job.status === 'imported' ? result : preview) as ImportReport | null, tiers, migration });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const form = await readFormData(request);
  if (form.get('intent') !== 'discard') return json({ ok: false }, { status: 400 });
  if (!(await discardImportJob(db(), member.workspace.id, params.jobId ?? ''))) notFound();
  return redirect('/app/customers/import');
}

type Progress = { phase: 'checking' | 'writing' | 'applying'; done: number; total: number };

/**
 * Posts the confirmation with fetch and reads the import's progress as it
 * streams back (one JSON object per line). Without scripts the same form is
 * posted plainly and the page reloads when the import is done.
 */
function useImportRun() {
  const revalidator = useRevalidator();
  const [progress, setProgress] = useState<Progress | 'starting' | null>(null);
  const [failed, setFailed] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    if (typeof fetch === 'undefined' || typeof TextDecoder === 'undefined') return;
    event.preventDefault();
    setProgress('starting');
    setFailed(false);
    try {
      const response = await fetch(event.currentTarget.action, {
        method: 'POST',
        body: new FormData(event.currentTarget),
        headers: { Accept: 'application/x-ndjson' },
      });
      if (!response.ok || !response.body) throw new Error(String(response.status));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const message = JSON.parse(line) as Progress | { done: true; error?: boolean };
          if ('phase' in message) setProgress(message);
          else if (message.error) setFailed(true);
        }
      }
    } catch {
      setFailed(true);
    }
    setProgress(null);
    revalidator.revalidate();
  };
  return { progress, failed, onSubmit };
}

export default function ImportJobPage() {
  const { t, i18n } = useTranslation();
  const { job, report, tiers, migration } = useLoaderData<typeof loader>();
  const { progress, failed, onSubmit } = useImportRun();
  const locale = i18n.language;
  const number = (value: number) => formatNumber(value, locale);
  const ok = report !== null && report.errors.length === 0;
  const totalValue = report?.fileTiers.reduce((sum, tier) => sum + (tier.valueCents ?? 0), 0) ?? 0;
  const fileCustomers = report?.fileTiers.reduce((sum, tier) => sum + tier.customers, 0) ?? 0;
  return (
    <>
      <title>{`${job.fileName} · ${t('customers.import.title')} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/customers/import">← {t('customers.import.title')}</Link>
      </p>
      <h1>{job.fileName}</h1>
      <p className="muted">
        {t('customers.import.forPeriod', { period: job.period })} · {t(`customers.import.statuses.${job.status === 'uploaded' && report && !ok ? 'rejected' : job.status}`)}
      </p>

      {job.status === 'imported' && report ? (
        <p role="status" className="alert alert-success">
          {t('customers.import.done', { rows: number(report.rows), created: number(report.created), updated: number(report.updated), period: job.period })}
        </p>
      ) : null}
      {job.status === 'importing' ? <p role="status">{t('customers.import.running')}</p> : null}
      {failed ? (
        <p role="alert" className="alert alert-error">
          {t('customers.import.runFailed')}
        </p>
      ) : null}

      {report && !ok ? (
        <section aria-labelledby="problems-title">
          <div role="alert" className="alert alert-error">
            <p>
              <strong>{t('customers.import.nothingImported')}</strong>{' '}
              {report.rows > 0 ? t('customers.import.badRows', { bad: number(report.badRows), rows: number(report.rows) }) : null}
            </p>
          </div>
          <h2 id="problems-title">{t('customers.import.problems')}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col" className="num">{t('customers.import.line')}</th>
                  <th scope="col">{t('customers.import.column')}</th>
                  <th scope="col">{t('customers.import.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((error, index) => (
                  <tr key={index}>
                    <td className="num">{error.line ?? '–'}</td>
                    <td>{error.column ? t(`customers.columns.${error.column}`) : '–'}</td>
                    <td>{t(`customers.importErrors.${error.code}`, { column: error.column ? t(`customers.columns.${error.column}`) : '', ...error.params })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <Link to="/app/customers/import" className="button primary">
              {t('customers.import.uploadCorrected')}
            </Link>
          </p>
        </section>
      ) : null}

      {report && ok ? (
        <section aria-labelledby="summary-title">
          <h2 id="summary-title">{job.status === 'imported' ? t('customers.import.result') : t('customers.import.preview')}</h2>
          <dl className="facts">
            <dt>{t('customers.import.rows')}</dt>
            <dd>{number(report.rows)}</dd>
            <dt>{t('customers.import.new')}</dt>
            <dd>{number(report.created)}</dd>
            <dt>{t('customers.import.updated')}</dt>
            <dd>{number(report.updated)}</dd>
            <dt>{t('customers.import.tiersFrom')}</dt>
            <dd>{report.tiersFrom ? t(`customers.import.tiersFromOptions.${report.tiersFrom}`) : '–'}</dd>
          </dl>
          {report.tiersFrom && report.tiersFrom !== 'column' ? (
            <p className="alert" data-testid="abc-period-note">
              {t('customers.import.abcWholePeriod', { period: job.period })}{' '}
              {report.periodChanges
                ? t(job.status === 'imported' ? 'customers.import.periodChangesDone' : 'customers.import.periodChanges', { count: report.periodChanges, formatted: number(report.periodChanges) })
                : null}
            </p>
          ) : null}
          <div className="table-wrap">
            <table>
              <caption>{report.tiersFrom === 'column' ? t('customers.import.tierCaption') : t('customers.import.abcCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('customers.tier')}</th>
                  <th scope="col" className="num">{t('customers.import.inFile')}</th>
                  <th scope="col" className="num">{t('customers.import.shareOfCustomers')}</th>
                  <th scope="col" className="num">{t(report.tiersFrom === 'margin' ? 'customers.margin' : 'customers.revenue')}</th>
                  <th scope="col" className="num">{t('customers.import.shareOfValue')}</th>
                  <th scope="col" className="num">{t('customers.import.inPeriodAfter', { period: job.period })}</th>
                </tr>
              </thead>
              <tbody>
                {report.fileTiers.map((tier) => (
                  <tr key={tier.label}>
                    <th scope="row">{tier.label}</th>
                    <td className="num">{number(tier.customers)}</td>
                    <td className="num">{fileCustomers > 0 ? formatPercent(tier.customers / fileCustomers, locale) : '–'}</td>
                    <td className="num">{tier.valueCents === null ? '–' : formatNumber(tier.valueCents / 100, locale)}</td>
                    <td className="num">{tier.valueCents !== null && totalValue > 0 ? formatPercent(tier.valueCents / totalValue, locale) : '–'}</td>
                    <td className="num">{number(report.tiers[tier.label] ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {job.status === 'uploaded' ? (
            <form method="post" action="/app/customers/import/run" onSubmit={onSubmit} className="card">
              <input type="hidden" name="jobId" value={job.id} />
              <p>{t('customers.import.confirmText', { rows: number(report.rows), period: job.period })}</p>
              {progress === null ? null : (
                <div role="status" aria-live="polite">
                  <label htmlFor="import-progress">
                    {progress === 'starting'
                      ? t('customers.import.starting')
                      : progress.phase === 'checking'
                        ? t('customers.import.checkingPercent', { percent: Math.floor((progress.done / Math.max(progress.total, 1)) * 100) })
                        : t(progress.phase === 'applying' ? 'customers.import.applying' : 'customers.import.writing', { done: number(progress.done), total: number(progress.total) })}
                  </label>{' '}
                  {progress === 'starting' ? <progress id="import-progress" /> : <progress id="import-progress" max={progress.total} value={progress.done} />}
                </div>
              )}
              <button type="submit" className="button primary" disabled={progress !== null}>
                {t('customers.import.confirm')}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}

      {migration ? (
        <section aria-labelledby="migration-title">
          <h2 id="migration-title">{t('customers.migration.title')}</h2>
          <MigrationTable {...migration} tiers={tiers} />
        </section>
      ) : null}

      {report && report.columns.length > 0 ? (
        <details>
          <summary>{t('customers.import.format')}</summary>
          <p>
            {t('customers.import.formatText', { encoding: report.encoding ?? '–', delimiter: t(`customers.import.delimiters.${report.delimiter === ';' ? 'semicolon' : report.delimiter === '\t' ? 'tab' : 'comma'}`) })}
          </p>
          <ul>
            {report.columns.map((column, index) => (
              <li key={index}>
                {t('customers.import.columnMapping', { header: column.header, column: column.column ? t(`customers.columns.${column.column}`) : t('customers.import.ignored') })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      {job.status === 'uploaded' ? (
        <Form method="post">
          <input type="hidden" name="intent" value="discard" />
          <button type="submit" className="button ghost">
            {t('customers.import.discard')}
          </button>
        </Form>
      ) : null}
    </>
  );
}
