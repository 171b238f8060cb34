import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { flagKinds, flagSeverities, flagStatuses } from '../../db/schema/flags';
import { requireMember } from '~/auth/session.server';
import { listTiers } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { flagPage, isFlagCursor, listAssignees } from '~/flags/flags.server';
import { parseFlagFilters } from '~/flags/forms';
import { flagDueAt } from '~/flags/service-level';
import { serviceLevelOf } from '~/flags/settings.server';
import { flagLoop } from '~/reports/flag-loop.server';
import { FlagLoopTable } from '~/ui/flag-loop-table';
import { EmptyState } from '~/ui/form';
import { formatDate } from '~/ui/format';
import { Pager } from '~/ui/pager';

const PAGE = 100;
/** Quarters of the flag loop on the queue: a year. */
const LOOP_QUARTERS = 4;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const filters = parseFlagFilters(params);
  // A cursor comes from the URL: one that is not the queue's gets the first page, with a 400 and a message saying so.
  const after = params.get('after');
  const badCursor = after !== null && !isFlagCursor(after);
  const level = await serviceLevelOf(db(), member.workspace.id);
  const [page, tiers, assignees, loop] = await Promise.all([
    flagPage(db(), member.workspace.id, filters, { after: badCursor ? undefined : (after ?? undefined), limit: PAGE, level }),
    listTiers(db(), member.workspace.id),
    listAssignees(db(), member.workspace.id),
    // A year of the loop on the queue; the download has every quarter.
    flagLoop(db(), member.workspace.id, { latestQuarters: LOOP_QUARTERS }),
  ]);
  const now = Date.now();
  // An open flag nobody has contacted is due within the workspace's service level.
  const flags = page.rows.map((flag) => {
    const dueAt = flag.status === 'open' ? flagDueAt(flag.createdAt, flag.severity, level) : null;
    return { ...flag, dueAt, overdue: dueAt !== null && dueAt.getTime() < now };
  });
  return json(
    {
      flags,
      filters,
      total: page.total,
      overdue: page.overdue,
      next: page.next,
      paged: after !== null && !badCursor,
      badCursor,
      tiers: tiers.map((tier) => tier.label),
      assignees,
      loop,
    },
    { status: badCursor ? 400 : 200 },
  );
}

function Select({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: Array<{ value: string; label: string }> }) {
  const { t } = useTranslation();
  return (
    <label className="filter">
      <span>{label}</span>
      <select name={name} defaultValue={value ?? ''}>
        <option value={name === 'status' ? 'all' : ''}>{t('flagsPage.all')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export default function FlagQueuePage() {
  const { t, i18n } = useTranslation();
  const { flags, filters, total, overdue, next, paged, badCursor, tiers, assignees, loop } = useLoaderData<typeof loader>();
  const location = useLocation();
  // The download takes the filters and the search, not the page.
  const downloadParams = new URLSearchParams(location.search);
  downloadParams.delete('after');
  return (
    <>
      <title>{`${t('flagsPage.title')} · ${t('app.name')}`}</title>
      <h1>{t('flagsPage.title')}</h1>
      <p className="muted">{t('flagsPage.intro')}</p>
      {badCursor ? (
        <p role="alert" className="alert alert-error">
          {t('flagsPage.badCursor')}
        </p>
      ) : null}
      <Form method="get" className="filters" aria-label={t('flagsPage.filter')}>
        <label className="filter">
          <span>{t('flagsPage.search')}</span>
          <input name="q" type="search" defaultValue={filters.q ?? ''} maxLength={200} />
        </label>
        <Select name="status" label={t('flagsPage.status')} value={filters.status} options={flagStatuses.map((s) => ({ value: s, label: t(`flagsPage.statuses.${s}`) }))} />
        <Select name="kind" label={t('flagsPage.kind')} value={filters.kind} options={flagKinds.map((k) => ({ value: k, label: t(`flagsPage.kinds.${k}`) }))} />
        <Select name="severity" label={t('flagsPage.severity')} value={filters.severity} options={flagSeverities.map((s) => ({ value: s, label: t(`flagsPage.severities.${s}`) }))} />
        <Select name="tier" label={t('flagsPage.tier')} value={filters.tier} options={tiers.map((tier) => ({ value: tier, label: tier }))} />
        <Select name="assignedTo" label={t('flagsPage.assignee')} value={filters.assignedTo} options={assignees.map((a) => ({ value: a.id, label: a.name }))} />
        <button type="submit" className="button">
          {t('flagsPage.filter')}
        </button>
        <a className="button" href={`/app/flags/export.csv${downloadParams.size > 0 ? `?${downloadParams}` : ''}`} download>
          {t('flagsPage.download')}
        </a>
      </Form>
      {flags.length === 0 ? (
        <EmptyState>
          <p>{filters.status === 'open' && !filters.kind && !filters.severity && !filters.tier && !filters.assignedTo && !filters.q ? t('empty.flags') : t('flagsPage.none')}</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted" role="status">
            {t('flagsPage.count', { count: total })}
            {overdue > 0 ? (
              <>
                {' · '}
                <strong className="severity severity-high">{`⚠ ${t('flagsPage.overdueCount', { count: overdue })}`}</strong>
              </>
            ) : null}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('flagsPage.customer')}</th>
                  <th scope="col">{t('flagsPage.tier')}</th>
                  <th scope="col">{t('flagsPage.severity')}</th>
                  <th scope="col">{t('flagsPage.reasons')}</th>
                  <th scope="col">{t('flagsPage.campaign')}</th>
                  <th scope="col">{t('flagsPage.status')}</th>
                  <th scope="col">{t('flagsPage.assignee')}</th>
                </tr>
              </thead>
              <tbody>
                {flags.map((flag) => (
                  <tr key={flag.id}>
                    <th scope="row">
                      <Link to={`/app/flags/${flag.id}`}>{flag.customerName ?? flag.externalId}</Link>
                      <span className="n">{flag.customerCompany}</span>
                    </th>
                    <td>{flag.tier ?? '–'}</td>
                    <td>
                      <span className={`severity severity-${flag.severity}`}>{t(`flagsPage.severities.${flag.severity}`)}</span>
                    </td>
                    <td>
                      <strong>{t(`flagsPage.kinds.${flag.kind}`)}</strong>
                      <ul className="reasons">
                        {flag.reasons.map((reason) => (
                          <li key={reason}>{t(`flagsPage.reasonTexts.${reason}`, { defaultValue: reason })}</li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {flag.campaignName}
                      <span className="n">{formatDate(flag.createdAt, i18n.language)}</span>
                    </td>
                    <td>
                      {t(`flagsPage.statuses.${flag.status}`)}
                      {flag.dueAt ? (
                        <span className="n">
                          {flag.overdue ? (
                            <strong className="severity severity-high">{`⚠ ${t('flagsPage.overdueSince', { date: formatDate(flag.dueAt, i18n.language) })}`}</strong>
                          ) : (
                            t('flagsPage.dueBy', { date: formatDate(flag.dueAt, i18n.language) })
                          )}
                        </span>
                      ) : null}
                    </td>
                    <td>{flag.assigneeName ?? t('flagsPage.unassigned')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager next={next} paged={paged} />
        </>
      )}
      <FlagLoopTable rows={loop} headingId="loop-title" note={t('flagsPage.loop.latest', { count: LOOP_QUARTERS })} />
    </>
  );
}
