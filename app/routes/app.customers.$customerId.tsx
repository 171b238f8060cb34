import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { getCustomer } from '~/customers/customers.server';
import { db } from '~/db.server';
import { notFound } from '~/http/request.server';
import { formatDate, formatNumber } from '~/ui/format';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const customer = await getCustomer(db(), member.workspace.id, params.customerId ?? '');
  if (!customer) notFound();
  return json({ customer, isOwner: member.role === 'owner' });
}

function Section({ id, title, empty, children }: { id: string; title: string; empty: string | null; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty ? <p className="muted">{empty}</p> : <div className="table-wrap">{children}</div>}
    </section>
  );
}

export default function CustomerPage() {
  const { t, i18n } = useTranslation();
  const { customer, isOwner } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const locale = i18n.language;
  const title = customer.erasedAt ? t('customers.privacy.erasedTitle') : (customer.name ?? customer.externalId);
  const amount = (value: string | null) => (value === null ? '–' : formatNumber(Number(value), locale, 2));
  const date = (value: string | null) => (value ? formatDate(value, locale) : '–');
  return (
    <>
      <title>{`${title} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/customers">← {t('customers.title')}</Link>
      </p>
      <h1>{title}</h1>
      {searchParams.get('erased') === '1' ? (
        <p role="status" className="alert alert-success">
          {t('customers.privacy.erasedNotice')}
        </p>
      ) : null}
      {customer.erasedAt ? (
        <p className="muted">{t('customers.privacy.erasedOn', { date: formatDate(customer.erasedAt, locale) })}</p>
      ) : (
        <dl className="facts" style={{ overflowWrap: 'anywhere' }}>
          <dt>{t('customers.externalId')}</dt>
          <dd>{customer.externalId}</dd>
          <dt>{t('customers.company')}</dt>
          <dd>{customer.company ?? '–'}</dd>
          <dt>{t('customers.email')}</dt>
          <dd>{customer.email ?? '–'}</dd>
          <dt>{t('customers.locale')}</dt>
          <dd>{t(`app.languages.${customer.locale}`)}</dd>
        </dl>
      )}

      <Section id="tiers-title" title={t('customers.tierHistory')} empty={customer.tiers.length === 0 ? t('customers.detail.noTiers') : null}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('customers.period')}</th>
              <th scope="col">{t('customers.tier')}</th>
              <th scope="col" className="num">{t('customers.revenue')}</th>
              <th scope="col" className="num">{t('customers.margin')}</th>
              <th scope="col">{t('customers.source')}</th>
            </tr>
          </thead>
          <tbody>
            {customer.tiers.map((row) => (
              <tr key={row.period}>
                <th scope="row">{row.period}</th>
                <td>{row.tier}</td>
                <td className="num">{amount(row.revenue)}</td>
                <td className="num">{amount(row.margin)}</td>
                <td>{t(`customers.sources.${row.source}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section id="invitations-title" title={t('customers.detail.invitations')} empty={customer.invitations.length === 0 ? t('customers.detail.noInvitations') : null}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('campaigns.name')}</th>
              <th scope="col">{t('customers.period')}</th>
              <th scope="col">{t('customers.detail.status')}</th>
              <th scope="col">{t('customers.detail.sent')}</th>
              <th scope="col">{t('customers.detail.opened')}</th>
            </tr>
          </thead>
          <tbody>
            {customer.invitations.map((row) => (
              <tr key={row.id}>
                <th scope="row">
                  <Link to={`/app/campaigns/${row.campaignId}`}>{row.campaign}</Link>
                </th>
                <td>{row.period}</td>
                <td>{t(`customers.invitationStatuses.${row.status}`)}{row.unsubscribedAt ? ` · ${t('customers.detail.unsubscribed')}` : ''}</td>
                <td>{date(row.sentAt)}</td>
                <td>{date(row.openedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section id="responses-title" title={t('customers.detail.responses')} empty={customer.responses.length === 0 ? t('customers.detail.noResponses') : null}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('campaigns.name')}</th>
              <th scope="col">{t('customers.period')}</th>
              <th scope="col">{t('customers.detail.status')}</th>
              <th scope="col">{t('customers.detail.missUs')}</th>
              <th scope="col" className="num">{t('customers.detail.csat')}</th>
              <th scope="col" className="num">{t('customers.detail.recommend')}</th>
            </tr>
          </thead>
          <tbody>
            {customer.responses.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.campaign}</th>
                <td>{row.period}</td>
                <td>{row.status === 'completed' ? `${t('customers.detail.completed')} ${date(row.completedAt)}` : t('customers.detail.started')}</td>
                <td>{row.missUs ? t(`customers.missUsAnswers.${row.missUs}`) : '–'}</td>
                <td className="num">{row.csat ?? '–'}</td>
                <td className="num">{row.recommend ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section id="flags-title" title={t('customers.detail.flags')} empty={customer.flags.length === 0 ? t('customers.detail.noFlags') : null}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('flagsPage.kind')}</th>
              <th scope="col">{t('flagsPage.severity')}</th>
              <th scope="col">{t('flagsPage.status')}</th>
              <th scope="col">{t('flagsPage.campaign')}</th>
              <th scope="col">{t('flagsPage.reasons')}</th>
            </tr>
          </thead>
          <tbody>
            {customer.flags.map((row) => (
              <tr key={row.id}>
                <th scope="row">{t(`flagsPage.kinds.${row.kind}`)}</th>
                <td>{t(`flagsPage.severities.${row.severity}`)}</td>
                <td>{t(`flagsPage.statuses.${row.status}`)}</td>
                <td>{row.campaign}</td>
                <td>{row.reasons.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      {customer.erasedAt ? null : (
        <section aria-labelledby="privacy-title" className="card">
          <h2 id="privacy-title">{t('customers.privacy.title')}</h2>
          <p className="muted">{t('customers.privacy.intro')}</p>
          <p>
            <a href={`/app/customers/${customer.id}/export`} className="button" download>
              {t('customers.privacy.export')}
            </a>{' '}
            {isOwner ? (
              <Link to={`/app/customers/${customer.id}/erase`} className="button">
                {t('customers.privacy.erase')}
              </Link>
            ) : (
              <span className="muted">{t('customers.privacy.eraseOwnersOnly')}</span>
            )}
          </p>
        </section>
      )}
    </>
  );
}
