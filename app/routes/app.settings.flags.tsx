import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { flagSettingsSchema } from '~/flags/forms';
import { addPhrase, getFlagSettings, removePhrase, setAlertMode, setServiceLevel, tryPhrase } from '~/flags/settings.server';
import { readFormData } from '~/http/request.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const settings = await getFlagSettings(db(), member.workspace.id, member.user.id);
  return json({ ...settings, isOwner: member.role === 'owner' });
}

type ActionResult =
  | { ok: true; done: 'alerts' | 'service_level' | 'add_phrase' | 'remove_phrase' }
  | { ok: true; done: 'try_phrase'; phrase: string; samples: string; results: ReturnType<typeof tryPhrase> }
  | { ok: false; error: string; phrase?: string; samples?: string };

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const fields = Object.fromEntries(await readFormData(request));
  const parsed = flagSettingsSchema.safeParse(fields);
  const keep = { phrase: typeof fields.phrase === 'string' ? fields.phrase.slice(0, 200) : '', samples: typeof fields.samples === 'string' ? fields.samples.slice(0, 5000) : '' };
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid';
    const error = message.startsWith('phrase_') ? message : 'invalid';
    return json<ActionResult>({ ok: false, error, ...keep }, { status: 400 });
  }
  const form = parsed.data;
  const workspaceId = member.workspace.id;
  if (form.intent === 'alerts') {
    await setAlertMode(db(), workspaceId, member.user.id, form.mode === 'default' ? null : form.mode);
    return json<ActionResult>({ ok: true, done: 'alerts' });
  }
  if (form.intent === 'try_phrase') {
    return json<ActionResult>({ ok: true, done: 'try_phrase', phrase: form.phrase, samples: form.samples, results: tryPhrase(form.phrase, form.samples) });
  }
  // The service level and the phrases are the owner's; trying a phrase and one's own alerts are everyone's.
  if (member.role !== 'owner') throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' });
  if (form.intent === 'service_level') {
    await setServiceLevel(db(), workspaceId, member.user.id, { highDays: form.highDays, mediumDays: form.mediumDays });
    return json<ActionResult>({ ok: true, done: 'service_level' });
  }
  if (form.intent === 'add_phrase') {
    const added = await addPhrase(db(), workspaceId, member.user.id, form.phrase);
    if (!added.ok) return json<ActionResult>({ ok: false, error: added.error, ...keep }, { status: 409 });
    return json<ActionResult>({ ok: true, done: 'add_phrase' });
  }
  await removePhrase(db(), workspaceId, member.user.id, form.phraseId);
  return json<ActionResult>({ ok: true, done: 'remove_phrase' });
}

export default function FlagSettings() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state !== 'idle';
  const saved = (done: string, text: string) =>
    result?.ok && result.done === done ? (
      <p role="status" className="alert alert-success">
        {text}
      </p>
    ) : null;
  const phraseError = result && !result.ok ? t(`flagsPage.settings.errors.${result.error}`) : null;
  const tried = result?.ok && result.done === 'try_phrase' ? result : null;
  const phraseValue = tried?.phrase ?? (result && !result.ok ? result.phrase : undefined) ?? '';
  const samplesValue = tried?.samples ?? (result && !result.ok ? result.samples : undefined) ?? '';
  const mode = data.alertMode ?? 'default';
  return (
    <>
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">{t('flagsPage.settings.alertsTitle')}</h2>
        <p className="muted">{t('flagsPage.settings.alertsIntro')}</p>
        <Form method="post">
          <input type="hidden" name="intent" value="alerts" />
          <fieldset>
            <legend className="visually-hidden">{t('flagsPage.settings.alertsTitle')}</legend>
            {(['default', 'immediate', 'digest', 'off'] as const).map((option) => (
              <label key={option} className="choice">
                <input type="radio" name="mode" value={option} defaultChecked={mode === option} />
                {t(`flagsPage.settings.modes.${option}`, { summary: t(`flagsPage.settings.defaultSummary.${data.role}`) })}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button primary" disabled={busy}>
            {t('settings.save')}
          </button>
          {saved('alerts', t('flagsPage.settings.alertsSaved'))}
        </Form>
      </section>

      <section aria-labelledby="service-title">
        <h2 id="service-title">{t('flagsPage.settings.serviceTitle')}</h2>
        <p className="muted">{t('flagsPage.settings.serviceIntro')}</p>
        {data.isOwner ? (
          <Form method="post" className="filters">
            <input type="hidden" name="intent" value="service_level" />
            <label className="filter">
              {t('flagsPage.settings.highDays')}
              <input type="number" name="highDays" min={1} max={60} required defaultValue={data.serviceLevel.highDays} />
            </label>
            <label className="filter">
              {t('flagsPage.settings.mediumDays')}
              <input type="number" name="mediumDays" min={1} max={60} required defaultValue={data.serviceLevel.mediumDays} />
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              {t('settings.save')}
            </button>
          </Form>
        ) : (
          <p>
            {t('flagsPage.settings.highDays')}: {data.serviceLevel.highDays} · {t('flagsPage.settings.mediumDays')}: {data.serviceLevel.mediumDays}
          </p>
        )}
        {saved('service_level', t('flagsPage.settings.serviceSaved'))}
      </section>

      <section aria-labelledby="phrases-title">
        <h2 id="phrases-title">{t('flagsPage.settings.phrasesTitle')}</h2>
        <p className="muted">{t('flagsPage.settings.phrasesIntro')}</p>
        {data.phrases.length === 0 ? (
          <p className="muted">{t('flagsPage.settings.noPhrases')}</p>
        ) : (
          <ul>
            {data.phrases.map((phrase) => (
              <li key={phrase.id}>
                {phrase.phrase}{' '}
                {data.isOwner ? (
                  <Form method="post" style={{ display: 'inline' }}>
                    <input type="hidden" name="intent" value="remove_phrase" />
                    <input type="hidden" name="phraseId" value={phrase.id} />
                    <button type="submit" className="link-button" disabled={busy} aria-label={`${t('flagsPage.settings.removePhrase')}: ${phrase.phrase}`}>
                      {t('flagsPage.settings.removePhrase')}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {saved('add_phrase', t('flagsPage.settings.phraseAdded'))}
        {saved('remove_phrase', t('flagsPage.settings.phraseRemoved'))}
        <Form method="post" key={result?.ok && result.done === 'add_phrase' ? 'added' : 'editing'}>
          <div className="field">
            <label htmlFor="phrase">{t('flagsPage.settings.phrase')}</label>
            <input id="phrase" name="phrase" maxLength={80} defaultValue={phraseValue} aria-invalid={phraseError ? true : undefined} aria-describedby={phraseError ? 'phrase-error' : undefined} />
            {phraseError ? (
              <p id="phrase-error" className="field-error" role="alert">
                {phraseError}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="samples">{t('flagsPage.settings.samples')}</label>
            <textarea id="samples" name="samples" rows={4} maxLength={5000} defaultValue={samplesValue} />
          </div>
          <div className="button-row">
            <button type="submit" name="intent" value="try_phrase" className="button" disabled={busy}>
              {t('flagsPage.settings.tryPhrase')}
            </button>
            {data.isOwner ? (
              <button type="submit" name="intent" value="add_phrase" className="button primary" disabled={busy}>
                {t('flagsPage.settings.addPhrase')}
              </button>
            ) : (
              <span className="muted">{t('flagsPage.settings.ownersOnly')}</span>
            )}
          </div>
        </Form>
        {tried ? (
          <div role="status">
            <p>{t('flagsPage.settings.tryResult', { phrase: tried.phrase })}</p>
            <ul>
              {tried.results.map((row, index) => (
                <li key={index}>
                  {`„${row.sentence}“ — `}
                  <strong>{row.matches ? t('flagsPage.settings.matches') : t('flagsPage.settings.noMatch')}</strong>
                  {row.builtIn.length > 0 ? ` (${t('flagsPage.settings.alreadyBuiltIn', { phrases: row.builtIn.join(', ') })})` : ''}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>
    </>
  );
}
