import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';
import { formatDate } from '~/ui/format';
import { runWebhookSettingsAction, webhookSettingsData, type WebhookActionResult } from '~/webhooks/settings.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  return json(await webhookSettingsData(db(), member.workspace.id));
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const { status, result } = await runWebhookSettingsAction(db(), { workspaceId: member.workspace.id, userId: member.user.id }, await readFormData(request));
  if (result.kind === 'not_found') notFound();
  // A new endpoint's secret is in this one response; the page never shows it again.
  return json(result, { status, headers: result.kind === 'created' ? { 'Cache-Control': 'no-store' } : {} });
}

/** The page that shows a new secret must not be kept by a browser or proxy cache. */
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const headers = new Headers();
  const cacheControl = actionHeaders.get('Cache-Control') ?? loaderHeaders.get('Cache-Control');
  if (cacheControl) headers.set('Cache-Control', cacheControl);
  return headers;
};

export default function WebhookSettings() {
  const { t, i18n } = useTranslation();
  const { endpoints, eventTypes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as WebhookActionResult | undefined;
  const navigation = useNavigation();
  const date = (value: string | null) => (value ? formatDate(value, i18n.language) : '–');
  const eventLabel = (type: string) => t(`api.webhooks.event_${type.replace(/[.]/g, '_')}`);
  const refused = result?.kind === 'refused' ? result : null;
  const urlError = refused?.field === 'url' ? t(`api.webhooks.urlProblem_${refused.problem}`) : null;
  const formError = refused?.field === 'form' ? (refused.problem === 'tooMany' ? t('api.webhooks.tooMany', { max: refused.max }) : refused.problem === 'replayRefused' ? t('api.webhooks.replayRefused') : t('api.webhooks.invalidForm')) : null;
  return (
    <>
      <section aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">{t('api.webhooks.title')}</h2>
        <p className="muted">
          {t('api.webhooks.intro')} <a href="/app/settings/api-reference">{t('api.referenceTab')}</a>
        </p>
        {result?.kind === 'created' ? (
          <div role="status" className="alert alert-success">
            <p style={{ overflowWrap: 'anywhere' }}>{t('api.webhooks.createdOnce', { url: result.url })}</p>
            <p>
              <label htmlFor="new-secret">{t('api.webhooks.secret')}</label>{' '}
              <input id="new-secret" readOnly value={result.secret} style={{ width: '100%' }} onFocus={(event) => event.currentTarget.select()} />
            </p>
          </div>
        ) : null}
        {result?.kind === 'replayed' ? (
          <p role="status" className="alert alert-success">
            {t('api.webhooks.replayed')}
          </p>
        ) : null}
        {formError ? (
          <p role="alert" className="alert alert-error">
            {formError}
          </p>
        ) : null}
        {endpoints.length === 0 ? <p>{t('api.webhooks.none')}</p> : null}
        {endpoints.map((endpoint) => (
          <article key={endpoint.id} className="card" aria-labelledby={`endpoint-${endpoint.id}`}>
            <h3 id={`endpoint-${endpoint.id}`} style={{ overflowWrap: 'anywhere' }}>
              {endpoint.url}
            </h3>
            <p>
              {endpoint.events.map(eventLabel).join(' · ')}
              <br />
              {t('api.webhooks.status')}: {endpoint.enabled ? t('api.webhooks.enabled') : t('api.webhooks.disabledOn', { date: date(endpoint.disabledAt) })}
              {endpoint.consecutiveFailures > 0 ? ` · ${t('api.webhooks.failing', { count: endpoint.consecutiveFailures })}` : ''}
              {endpoint.pending > 0 ? ` · ${t('api.webhooks.pending', { count: endpoint.pending })}` : ''}
            </p>
            <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
              <Form method="post">
                <input type="hidden" name="endpointId" value={endpoint.id} />
                <button type="submit" name="intent" value={endpoint.enabled ? 'disable' : 'enable'} className="button ghost">
                  {endpoint.enabled ? t('api.webhooks.disable') : t('api.webhooks.enable')}
                </button>
              </Form>
              <Form method="post">
                <input type="hidden" name="endpointId" value={endpoint.id} />
                <button type="submit" name="intent" value="delete" className="button ghost" aria-label={t('api.webhooks.deleteNamed', { url: endpoint.url })}>
                  {t('api.webhooks.delete')}
                </button>
              </Form>
            </div>
            <h4>{t('api.webhooks.deliveries')}</h4>
            {endpoint.deliveries.length === 0 ? (
              <p className="muted">{t('api.webhooks.noDeliveries')}</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">{t('api.webhooks.deliveriesOf', { url: endpoint.url })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('api.webhooks.event')}</th>
                      <th scope="col">{t('api.webhooks.status')}</th>
                      <th scope="col">{t('api.webhooks.response')}</th>
                      <th scope="col">{t('api.webhooks.attempts')}</th>
                      <th scope="col">{t('api.webhooks.created')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('api.webhooks.replay')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {endpoint.deliveries.map((delivery) => (
                      <tr key={delivery.id}>
                        <th scope="row">
                          <code>{delivery.eventType}</code>
                          <br />
                          <small style={{ overflowWrap: 'anywhere' }}>{delivery.eventId}</small>
                        </th>
                        <td>
                          {t(`api.webhooks.delivery_${delivery.status}`)}
                          {delivery.status === 'pending' && delivery.attempts > 0 ? (
                            <>
                              <br />
                              <small>{t('api.webhooks.nextAttempt', { date: date(delivery.nextAttemptAt) })}</small>
                            </>
                          ) : null}
                        </td>
                        <td>
                          {delivery.lastStatusCode ?? '–'}
                          {delivery.lastError ? (
                            <>
                              <br />
                              <small style={{ overflowWrap: 'anywhere' }}>{delivery.lastError}</small>
                            </>
                          ) : null}
                        </td>
                        <td>{delivery.attempts}</td>
                        <td>{date(delivery.createdAt)}</td>
                        <td>
                          {delivery.status === 'pending' ? null : (
                            <Form method="post">
                              <input type="hidden" name="deliveryId" value={delivery.id} />
                              <button type="submit" name="intent" value="replay" className="button ghost" aria-label={t('api.webhooks.replayNamed', { id: delivery.eventId })}>
                                {t('api.webhooks.replay')}
                              </button>
                            </Form>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </article>
        ))}
      </section>
      <section aria-labelledby="new-endpoint-title" className="card">
        <h2 id="new-endpoint-title">{t('api.webhooks.createTitle')}</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="create" />
          <div className="field">
            <label htmlFor="webhook-url">{t('api.webhooks.url')}</label>
            <input
              id="webhook-url"
              name="url"
              type="url"
              required
              maxLength={2000}
              autoComplete="off"
              defaultValue={refused?.url ?? ''}
              aria-invalid={urlError ? true : undefined}
              aria-describedby={urlError ? 'webhook-url-error' : 'webhook-url-hint'}
              style={{ width: '100%' }}
            />
            {urlError ? (
              <p id="webhook-url-error" className="field-error">
                {urlError}
              </p>
            ) : (
              <p id="webhook-url-hint" className="hint">
                {t('api.webhooks.urlHint')}
              </p>
            )}
          </div>
          <fieldset aria-describedby={refused?.field === 'events' ? 'webhook-events-error' : undefined}>
            <legend>{t('api.webhooks.events')}</legend>
            {eventTypes.map((type) => (
              <label key={type} style={{ display: 'block' }}>
                <input type="checkbox" name="events" value={type} defaultChecked={refused ? refused.events.includes(type) : true} /> <code>{type}</code> – {eventLabel(type)}
              </label>
            ))}
            {refused?.field === 'events' ? (
              <p id="webhook-events-error" className="field-error">
                {t('api.webhooks.eventsRequired')}
              </p>
            ) : null}
          </fieldset>
          <button type="submit" className="button primary" disabled={navigation.state === 'submitting'}>
            {t('api.webhooks.create')}
          </button>
        </Form>
      </section>
    </>
  );
}
