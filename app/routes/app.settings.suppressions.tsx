import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { countSuppressions, listSuppressions } from '~/customers/suppressions.server';
import { db } from '~/db.server';
import { formatDate, formatNumber } from '~/ui/format';

const PAGE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const params = new URL(request.url).searchParams;
  const q = (params.get('q') ?? '').trim().slice(0, 200);
  const [total, page] = await Promise.all([
    countSuppressions(db(), member.workspace.id, { q }),
    listSuppressions(db(), member.workspace.id, { q, after: params.get('after') ?? undefined, limit: PAGE }),
  ]);
  return json({ q, total, ...page });
}

export default function SuppressionSettings() {
  const { t, i18n } = useTranslation();
  const { q, total, rows, next } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const nextParams = new URLSearchParams(searchParams);
  if (next) nextParams.set('after', next);
  return (
    <section aria-labelledby="suppressions-title">
      <h2 id="suppressions-title">{t('customers.suppressions.title')}</h2>
      <p className="muted">{t('customers.suppressions.intro')}</p>
      {total === 0 && !q ? (
        <p>{t('customers.suppressions.none')}</p>
      ) : (
        <>
          <Form method="get" className="search" role="search" style={{ flexWrap: 'wrap' }}>
            <label htmlFor="q" className="visually-hidden">
              {t('customers.suppressions.search')}
            </label>
            <input id="q" name="q" type="search" defaultValue={q} placeholder={t('customers.suppressions.search')} />
            <button type="submit" className="button">
              {t('customers.searchSubmit')}
            </button>
          </Form>
          <p className="muted">{t('customers.suppressions.count', { count: total, formatted: formatNumber(total, i18n.language) })}</p>
          {rows.length === 0 ? (
            <p>{t('customers.noMatch')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('customers.email')}</th>
                    <th scope="col">{t('customers.suppressions.reason')}</th>
                    <th scope="col">{t('customers.suppressions.since')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.email}>
                      <th scope="row">{row.email}</th>
                      <td>{t(`customers.suppressions.reasons.${row.reason}`)}</td>
                      <td>{formatDate(row.createdAt, i18n.language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {next ? (
            <p>
              <Link to={`?${nextParams}`} rel="next">
                {t('customers.nextPage')}
              </Link>
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
