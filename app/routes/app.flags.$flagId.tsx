import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { actOnFlag, getFlag, listAssignees } from '~/flags/flags.server';
import { flagActionSchema } from '~/flags/forms';
import { notFound, readFormData } from '~/http/request.server';
import { formatDate } from '~/ui/format';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const flag = await getFlag(db(), member.workspace.id, params.flagId ?? '');
  if (!flag) notFound();
  return json({ flag, assignees: await listAssignees(db(), member.workspace.id) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const parsed = flagActionSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const error = issue?.path[0] === 'note' ? issue.message : 'invalid_request';
    return json({ ok: false as const, error }, { status: 400 });
  }
  const form = parsed.data;
  const result = await actOnFlag(db(), {
    workspaceId: member.workspace.id,
    flagId: params.flagId ?? '',
    actorUserId: member.user.id,
    action:
      form.intent === 'assign'
        ? { type: 'assign', assigneeId: form.assigneeId || null }
        : form.intent === 'contacted'
          ? { type: 'contacted', note: form.note }
          : { type: form.intent, note: form.note },
  });
  if (!result.ok) {
    if (result.error === 'not_found') notFound();
    return json({ ok: false as const, error: result.error === 'closed' ? 'flag_closed' : 'invalid_request' }, { status: 409 });
  }
  return json({ ok: true as const, error: null });
}

export default function FlagPage() {
  const { t, i18n } = useTranslation();
  const { flag, assignees } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  const closed = flag.status === 'resolved' || flag.status === 'dismissed';
  const texts = flag.answers
    ? ([
        ['miss_most', flag.answers.missMost],
        ['alternative', flag.answers.alternative],
        ['improve', flag.answers.improve],
      ] as const).filter(([, text]) => text)
    : [];
  return (
    <>
      <title>{`${t('flagsPage.detail')}: ${flag.customerName ?? flag.externalId} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/flags">← {t('flagsPage.title')}</Link>
      </p>
      <h1>
        {t(`flagsPage.kinds.${flag.kind}`)}: {flag.customerName ?? flag.externalId}
      </h1>
      <dl className="facts">
        <dt>{t('flagsPage.customer')}</dt>
        <dd>
          <Link to={`/app/customers/${flag.customerId}`}>{flag.customerName ?? flag.externalId}</Link>
          {flag.customerCompany ? `, ${flag.customerCompany}` : ''}
        </dd>
        <dt>{t('flagsPage.tier')}</dt>
        <dd>{flag.tier ?? '–'}</dd>
        <dt>{t('flagsPage.campaign')}</dt>
        <dd>
          {flag.campaignName} ({flag.period})
        </dd>
        <dt>{t('flagsPage.severity')}</dt>
        <dd>
          <span className={`severity severity-${flag.severity}`}>{t(`flagsPage.severities.${flag.severity}`)}</span>
        </dd>
        <dt>{t('flagsPage.status')}</dt>
        <dd>{t(`flagsPage.statuses.${flag.status}`)}</dd>
        <dt>{t('flagsPage.assignee')}</dt>
        <dd>{flag.assigneeName ?? t('flagsPage.unassigned')}</dd>
        <dt>{t('flagsPage.reasons')}</dt>
        <dd>
          <ul className="reasons">
            {flag.reasons.map((reason) => (
              <li key={reason}>{t(`flagsPage.reasonTexts.${reason}`, { defaultValue: reason })}</li>
            ))}
          </ul>
        </dd>
      </dl>

      <section aria-labelledby="answers-title">
        <h2 id="answers-title">{t('flagsPage.answers')}</h2>
        {texts.length === 0 ? (
          <p className="muted">{t('flagsPage.noAnswers')}</p>
        ) : (
          <dl className="verbatims">
            {texts.map(([item, text]) => (
              <div key={item}>
                <dt>{t(`flagsPage.answerLabels.${item}`)}</dt>
                <dd>
                  <blockquote>{text}</blockquote>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      {result?.ok ? (
        <p role="status" className="alert alert-success">
          {t('flagsPage.saved')}
        </p>
      ) : null}
      {result && !result.ok ? (
        <div role="alert" className="alert alert-error" id="flag-error">
          <p>{t(`errors.${result.error}`)}</p>
        </div>
      ) : null}

      {closed ? <p className="muted">{t('flagsPage.closed')}</p> : null}
      <div className="flag-actions">
        {!closed ? (
          <Form method="post" className="card" aria-labelledby="assign-title">
            <h2 id="assign-title">{t('flagsPage.assign')}</h2>
            <div className="field">
              <label htmlFor="assigneeId">{t('flagsPage.assignTo')}</label>
              <select id="assigneeId" name="assigneeId" defaultValue={flag.assignedTo ?? ''}>
                <option value="">{t('flagsPage.unassigned')}</option>
                {assignees.map((assignee) => (
                  <option key={assignee.id} value={assignee.id}>
                    {assignee.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" name="intent" value="assign" className="button" disabled={busy}>
              {t('flagsPage.assign')}
            </button>
          </Form>
        ) : null}
        <Form method="post" className="card" aria-labelledby="note-title" key={flag.history.length}>
          <h2 id="note-title">{t('flagsPage.note')}</h2>
          <div className="field">
            <label htmlFor="note">{t('flagsPage.note')}</label>
            <textarea
              id="note"
              name="note"
              rows={4}
              maxLength={5000}
              aria-describedby={result && !result.ok ? 'note-hint flag-error' : 'note-hint'}
              aria-invalid={result && !result.ok && result.error === 'note_required' ? true : undefined}
            />
            <p className="hint" id="note-hint">
              {t('flagsPage.noteHint')}
            </p>
          </div>
          <div className="button-row">
            {!closed ? (
              <>
                {flag.status === 'open' ? (
                  <button type="submit" name="intent" value="contacted" className="button" disabled={busy}>
                    {t('flagsPage.markContacted')}
                  </button>
                ) : null}
                <button type="submit" name="intent" value="resolved" className="button primary" disabled={busy}>
                  {t('flagsPage.resolve')}
                </button>
                <button type="submit" name="intent" value="dismissed" className="button" disabled={busy}>
                  {t('flagsPage.dismiss')}
                </button>
              </>
            ) : null}
            <button type="submit" name="intent" value="noted" className="button ghost" disabled={busy}>
              {t('flagsPage.addNote')}
            </button>
          </div>
          {!closed ? <p className="hint">{t('flagsPage.confirmClose')}</p> : null}
        </Form>
      </div>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('flagsPage.history')}</h2>
        <ol className="history">
          {flag.history.map((event) => (
            <li key={event.id}>
              <strong>{t(`flagsPage.actions.${event.action}`)}</strong>{' '}
              <span className="muted">
                {formatDate(event.createdAt, i18n.language)} · {event.actorName ? t('flagsPage.by', { name: event.actorName }) : t('flagsPage.system')}
              </span>
              {event.note ? <p>{event.note}</p> : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
