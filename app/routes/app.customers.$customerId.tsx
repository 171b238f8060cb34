import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { requireMember } from '~/auth/session.server';
import { setAccountOwner } from '~/customers/account-owner.server';
import { getCustomer } from '~/customers/customers.server';
import { db } from '~/db.server';
import { listAssignees } from '~/flags/flags.server';
import { notFound, readFormData } from '~/http/request.server';
import { formatDate, formatNumber } from '~/ui/format';

const accountOwnerSchema = z.object({
  intent: z.literal('account_owner'),
  accountOwnerId: z.union([z.literal(''), z.uuid()]),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const customer = await getCustomer(db(), member.workspace.id, params.customerId ?? '');
  if (!customer) notFound();
  return json({ customer, members: await listAssignees(db(), member.workspace.id), isOwner: member.role === 'owner' });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const parsed = accountOwnerSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return json({ ok: false as const, error: 'invalid_request' }, { status: 400 });
  const result = await setAccountOwner(db(), {
    workspaceId: member.workspace.id,
    customerId: params.customerId ?? '',
    accountOwnerId: parsed.data.accountOwnerId || null,
    actorUserId: member.user.id,
  });
  if (!result.ok) {
    if (result.error === 'not_found') notFound();
    return json({ ok: false as const, error: 'invalid_request' }, { status: 400 });
  }
  return json({ ok: true as const, error: null });
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
  const { customer, members, isOwner } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
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
          <dt>{t('pmf.attributes.industry')}</dt>
          <dd>{customer.industry ?? '–'}</dd>
          <dt>{t('pmf.attributes.size')}</dt>
          <dd>{customer.size ? t('pmf.sizeValue', { value: customer.size }) : '–'}</dd>
          <dt>{t('pmf.attributes.region')}</dt>
          <dd>{customer.region ?? '–'}</dd>
          <dt>{t('pmf.customerSince')}</dt>
          <dd>{customer.customerSince ? formatDate(customer.customerSince, locale) : '–'}</dd>
        </dl>
      )}
      {customer.erasedAt ? null : (
        <Form method="post" className="card" aria-describedby="account-owner-hint">
          <input type="hidden" name="intent" value="account_owner" />
          <label htmlFor="account-owner">{t('customers.accountOwner')}</label>{' '}
          <select id="account-owner" name="accountOwnerId" defaultValue={customer.accountOwnerId ?? ''} key={customer.accountOwnerId ?? ''}>
            <option value="">{t('customers.noAccountOwner')}</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>{' '}
          <button type="submit" disabled={busy}>
            {t('settings.save')}
          </button>
          <p id="account-owner-hint" className="muted">
            {t('customers.accountOwnerHint')}
          </p>
          {result?.ok ? (
            <p role="status" className="alert alert-success">
              {t('customers.accountOwnerSaved')}
            </p>
          ) : result?.error ? (
            <p role="alert" className="alert alert-error">
              {t(`errors.${result.error}`)}
            </p>
          ) : null}
        </Form>
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
                <th scope="row">
                  <Link to={`/app/flags/${row.id}`}>{t(`flagsPage.kinds.${row.kind}`)}</Link>
                </th>
                <td>{t(`flagsPage.severities.${row.severity}`)}</td>
                <td>{t(`flagsPage.statuses.${row.status}`)}</td>
                <td>{row.campaign}</td>
                <td>{row.reasons.map((reason) => t(`flagsPage.reasonTexts.${reason}`)).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      {customer.erasedAt ? null : (
        <section aria-labelledby="privacy-title" className="card">
          <h2 id="privacy-title">{t('customers.privacy.title')}</h2>
          <p className="muted">{t('customers.privacy.intro')}</p>
          {isOwner ? (
            <>
              <p className="alert alert-warning">{t('customers.privacy.exportInternal')}</p>
              <p>
                <a href={`/app/customers/${customer.id}/export`} className="button" download>
                  {t('customers.privacy.export')}
                </a>{' '}
                <Link to={`/app/customers/${customer.id}/erase`} className="button">
                  {t('customers.privacy.erase')}
                </Link>
              </p>
            </>
          ) : (
            <p className="muted">{t('customers.privacy.eraseOwnersOnly')}</p>
          )}
        </section>
      )}
    </>
  );
}
