import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, UploadHandler } from '@remix-run/node';
import { json, redirect, unstable_composeUploadHandlers, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigate } from '@remix-run/react';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { requireMember } from '~/auth/session.server';
import {
  createImportJob,
  discardImportJob,
  listImportJobs,
  previewUpload,
  storeUpload,
  updateImportJobSettings,
  UploadTooLargeError,
} from '~/customers/import-jobs.server';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MEGABYTES } from '~/customers/import-read';
import { recordUploadBytes, startUpload, UPLOAD_MEGABYTES_PER_DAY, UPLOADS_PER_DAY } from '~/customers/upload-quota.server';
import { isPeriod, nextPeriod, periodOf, previousPeriod } from '~/customers/period';
import { listPeriods } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { formatDate } from '~/ui/format';

const uploadSchema = z.object({
  period: z.string({ error: 'period_invalid' }).refine(isPeriod, 'period_invalid'),
  tiersBy: z.enum(['auto', 'revenue', 'margin'], { error: 'tiers_by_invalid' }).default('auto'),
});

type UploadErrors = Partial<Record<'period' | 'tiersBy' | 'file', string>>;

// Passes the action's Retry-After (daily limit) and Connection on to the rendered page.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const current = periodOf(new Date());
  const known = await listPeriods(db(), member.workspace.id);
  // Known quarters, this one and the one before, and the one after the latest known.
  const periods = [...new Set([current, previousPeriod(current), ...known, ...(known[0] ? [nextPeriod(known[0])] : [])])].sort().reverse();
  return json({
    periods,
    current,
    recent: await listImportJobs(db(), member.workspace.id),
    maxMegabytes: MAX_IMPORT_MEGABYTES,
    perDay: { uploads: UPLOADS_PER_DAY, megabytes: UPLOAD_MEGABYTES_PER_DAY },
  });
}

/**
 * Receives the file as a stream straight into the database (never whole in
 * memory), checks it (pass 1) and shows the preview. Marketing may import.
 */
export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  // The rest of the upload stays unread, so the connection cannot serve another request.
  const tooLarge = () => json({ errors: { file: 'file_too_large' } as UploadErrors }, { status: 413, headers: { Connection: 'close' } });
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_IMPORT_BYTES + 64 * 1024) return tooLarge();
  if (!/^multipart\/form-data/i.test(request.headers.get('Content-Type') ?? '')) return json({ errors: { file: 'file_required' } as UploadErrors }, { status: 400 });
  const quota = await startUpload(db(), member.workspace.id);
  if (!quota.ok) {
    return json({ errors: { file: 'daily_upload_limit' } as UploadErrors }, { status: 429, headers: { 'Retry-After': String(quota.retryAfter), Connection: 'close' } });
  }

  let jobId: string | undefined;
  const storeFile: UploadHandler = async ({ name, filename, data }) => {
    if (name !== 'file' || !filename || jobId) return undefined;
    jobId = await createImportJob(db(), { workspaceId: member.workspace.id, createdBy: member.user.id, fileName: filename, period: periodOf(new Date()), tiersBy: 'auto' });
    await recordUploadBytes(db(), member.workspace.id, await storeUpload(db(), jobId, data));
    return jobId;
  };
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_composeUploadHandlers(storeFile, unstable_createMemoryUploadHandler({ maxPartSize: 16 * 1024 })));
  } catch (error) {
    if (jobId) await discardImportJob(db(), member.workspace.id, jobId);
    if (error instanceof UploadTooLargeError) return tooLarge();
    return json({ errors: { file: 'upload_failed' } as UploadErrors }, { status: 400 });
  }
  const fields = uploadSchema.safeParse({ period: form.get('period') ?? undefined, tiersBy: form.get('tiersBy') ?? undefined });
  const errors: UploadErrors = {};
  if (!fields.success) for (const issue of fields.error.issues) errors[issue.path[0] as 'period' | 'tiersBy'] = issue.message;
  if (!jobId) errors.file = 'file_required';
  if (!fields.success || !jobId) {
    if (jobId) await discardImportJob(db(), member.workspace.id, jobId);
    return json({ errors }, { status: 400 });
  }
  await updateImportJobSettings(db(), jobId, fields.data);
  await previewUpload(db(), member.workspace.id, jobId);
  return redirect(`/app/customers/import/${jobId}`);
}

/** Uploads with XMLHttpRequest when scripts run, to show the upload's progress; a plain form post otherwise. */
function useUploadProgress(maxBytes: number) {
  const navigate = useNavigate();
  const [sent, setSent] = useState<number | null>(null);
  const [clientError, setClientError] = useState<string | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    const file = (form.elements.namedItem('file') as HTMLInputElement | null)?.files?.[0];
    if (!file || typeof XMLHttpRequest === 'undefined') return;
    event.preventDefault();
    if (file.size > maxBytes) {
      setClientError('file_too_large');
      return;
    }
    setClientError(null);
    setSent(0);
    const request = new XMLHttpRequest();
    request.upload.onprogress = (progress) => setSent(progress.lengthComputable ? progress.loaded / progress.total : 0);
    request.upload.onload = () => setSent(1);
    request.onload = () => {
      const landed = new URL(request.responseURL || window.location.href);
      if (request.status === 200 && landed.pathname !== window.location.pathname) navigate(landed.pathname);
      else form.submit(); // shows the server's message the plain way
    };
    request.onerror = () => {
      setSent(null);
      setClientError('upload_failed');
    };
    request.open('POST', form.action);
    request.send(new FormData(form));
  };
  return { sent, clientError, onSubmit };
}

export default function ImportUpload() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  const { sent, clientError, onSubmit } = useUploadProgress(data.maxMegabytes * 1024 * 1024);
  const errors: UploadErrors = { ...actionData?.errors, ...(clientError ? { file: clientError } : {}) };
  const message = (code: string | undefined) => (code ? t(`customers.import.errors.${code}`, { max: data.maxMegabytes, uploads: data.perDay.uploads, megabytes: data.perDay.megabytes }) : null);
  return (
    <>
      <title>{`${t('customers.import.title')} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/customers">← {t('customers.title')}</Link>
      </p>
      <h1>{t('customers.import.title')}</h1>
      <p className="muted">{t('customers.import.intro')}</p>
      <p>
        <a href="/app/customers/import/sample.csv" download>
          {t('customers.import.sample')}
        </a>
        <span className="n">{t('customers.import.sampleHint')}</span>
      </p>
      <form ref={formRef} method="post" action="/app/customers/import?index" encType="multipart/form-data" onSubmit={onSubmit} className="card" aria-describedby="import-help">
        <div className="field">
          <label htmlFor="period">{t('customers.import.period')}</label>
          <select id="period" name="period" defaultValue={data.current} aria-describedby="period-hint period-error" aria-invalid={errors.period ? true : undefined}>
            {data.periods.map((period) => (
              <option key={period} value={period}>
                {period}
              </option>
            ))}
          </select>
          <p className="hint" id="period-hint">
            {t('customers.import.periodHint')}
          </p>
          <div id="period-error" className="field-error" aria-live="polite">
            {message(errors.period)}
          </div>
        </div>
        <fieldset>
          <legend>{t('customers.import.tiersBy')}</legend>
          {(['auto', 'revenue', 'margin'] as const).map((value) => (
            <label key={value} className="choice">
              <input type="radio" name="tiersBy" value={value} defaultChecked={value === 'auto'} />
              {t(`customers.import.tiersByOptions.${value}`)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="file">{t('customers.import.file')}</label>
          <input id="file" name="file" type="file" accept=".csv,.txt,text/csv" required aria-describedby="file-hint file-error" aria-invalid={errors.file ? true : undefined} />
          <p className="hint" id="file-hint">
            {t('customers.import.fileHint', { max: data.maxMegabytes })}
          </p>
          <div id="file-error" className="field-error" aria-live="polite">
            {message(errors.file)}
          </div>
        </div>
        {sent === null ? null : (
          <div role="status" aria-live="polite">
            <label htmlFor="upload-progress">{sent < 1 ? t('customers.import.uploading') : t('customers.import.checking')}</label>{' '}
            {sent < 1 ? <progress id="upload-progress" max={1} value={sent} /> : <progress id="upload-progress" />}
          </div>
        )}
        <button type="submit" className="button primary" disabled={sent !== null}>
          {t('customers.import.upload')}
        </button>
      </form>
      <section id="import-help" aria-labelledby="help-title">
        <h2 id="help-title">{t('customers.import.helpTitle')}</h2>
        <ul>
          <li>{t('customers.import.helpColumns')}</li>
          <li>{t('customers.import.helpTiers')}</li>
          <li>{t('customers.import.helpFormat')}</li>
          <li>{t('customers.import.helpAllOrNothing')}</li>
        </ul>
      </section>
      <section aria-labelledby="recent-title">
        <h2 id="recent-title">{t('customers.import.recent')}</h2>
        {data.recent.length === 0 ? (
          <p className="muted">{t('customers.import.noRecent')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('customers.import.file')}</th>
                  <th scope="col">{t('customers.period')}</th>
                  <th scope="col">{t('customers.import.status')}</th>
                  <th scope="col">{t('customers.import.by')}</th>
                  <th scope="col">{t('customers.import.date')}</th>
                </tr>
              </thead>
              <tbody>
                {data.recent.map((job) => (
                  <tr key={job.id}>
                    <th scope="row">
                      <Link to={job.id}>{job.fileName}</Link>
                    </th>
                    <td>{job.period}</td>
                    <td>{t(`customers.import.statuses.${job.rejected ? 'rejected' : job.status}`)}</td>
                    <td>{job.createdByName ?? '–'}</td>
                    <td>{formatDate(job.createdAt, i18n.language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
