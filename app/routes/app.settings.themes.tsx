import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { themeSettingsSchema } from '~/themes/forms';
import { latestThemeSuggestions } from '~/themes/coded-answers.server';
import { addTheme, listThemes, previewKeywords, removeTheme, saveTheme } from '~/themes/themes.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const [themes, suggestions] = await Promise.all([listThemes(db(), member.workspace.id), latestThemeSuggestions(db(), member.workspace.id)]);
  return json({ themes, suggestions });
}

type ActionResult =
  | { ok: true; done: 'add' | 'save' | 'remove' }
  | { ok: true; done: 'preview'; keywordsDe: string; keywordsEn: string; samples: string; results: ReturnType<typeof previewKeywords> }
  | { ok: false; error: string; themeId?: string };

const MESSAGES = new Set(['name_required', 'name_long', 'keywords_long', 'keywords_many', 'keyword_long', 'samples_long']);

// Owners and marketing both keep the theme list: it is how they read the answers, not a rule about customers.
export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const fields = Object.fromEntries(await readFormData(request));
  const parsed = themeSettingsSchema.safeParse(fields);
  const themeId = typeof fields.themeId === 'string' ? fields.themeId.slice(0, 40) : undefined;
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid';
    return json<ActionResult>({ ok: false, error: MESSAGES.has(message) ? message : 'invalid', themeId }, { status: 400 });
  }
  const form = parsed.data;
  const workspaceId = member.workspace.id;
  if (form.intent === 'preview') {
    const list = await listThemes(db(), workspaceId);
    const results = previewKeywords(list, { de: form.keywordsDe, en: form.keywordsEn }, form.samples);
    return json<ActionResult>({
      ok: true,
      done: 'preview',
      keywordsDe: form.keywordsDe.join('\n'),
      keywordsEn: form.keywordsEn.join('\n'),
      samples: form.samples,
      results,
    });
  }
  if (form.intent === 'remove') {
    const removed = await removeTheme(db(), workspaceId, member.user.id, form.themeId);
    if (!removed.ok) return json<ActionResult>({ ok: false, error: removed.error, themeId }, { status: 404 });
    return json<ActionResult>({ ok: true, done: 'remove' });
  }
  if (form.keywordsDe.length + form.keywordsEn.length === 0) {
    return json<ActionResult>({ ok: false, error: 'no_keywords', themeId }, { status: 400 });
  }
  const input = { nameDe: form.nameDe, nameEn: form.nameEn, keywordsDe: form.keywordsDe, keywordsEn: form.keywordsEn };
  const changed =
    form.intent === 'add' ? await addTheme(db(), workspaceId, member.user.id, input) : await saveTheme(db(), workspaceId, member.user.id, form.themeId, input);
  if (!changed.ok) return json<ActionResult>({ ok: false, error: changed.error, themeId }, { status: changed.error === 'not_found' ? 404 : 409 });
  return json<ActionResult>({ ok: true, done: form.intent });
}

interface ThemeFieldsProps {
  idPrefix: string;
  values?: { nameDe: string; nameEn: string; keywordsDe: string[]; keywordsEn: string[] };
}

function ThemeFields({ idPrefix, values }: ThemeFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${idPrefix}-name-de`}>{t('results.themes.nameDe')}</label>
          <input id={`${idPrefix}-name-de`} name="nameDe" required maxLength={60} defaultValue={values?.nameDe} lang="de" />
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-name-en`}>{t('results.themes.nameEn')}</label>
          <input id={`${idPrefix}-name-en`} name="nameEn" required maxLength={60} defaultValue={values?.nameEn} lang="en" />
        </div>
      </div>
      <p id={`${idPrefix}-hint`} className="muted">
        {t('results.themes.keywordsHint')}
      </p>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${idPrefix}-keywords-de`}>{t('results.themes.keywordsDe')}</label>
          <textarea id={`${idPrefix}-keywords-de`} name="keywordsDe" rows={4} maxLength={4000} defaultValue={values?.keywordsDe.join('\n')} lang="de" aria-describedby={`${idPrefix}-hint`} />
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-keywords-en`}>{t('results.themes.keywordsEn')}</label>
          <textarea id={`${idPrefix}-keywords-en`} name="keywordsEn" rows={4} maxLength={4000} defaultValue={values?.keywordsEn.join('\n')} lang="en" aria-describedby={`${idPrefix}-hint`} />
        </div>
      </div>
    </>
  );
}

export default function ThemeSettings() {
  const { t, i18n } = useTranslation();
  const { themes, suggestions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state !== 'idle';
  const german = i18n.language === 'de';
  const nameOf = (id: string) => {
    const theme = themes.find((candidate) => candidate.id === id);
    return theme === undefined ? '' : german ? theme.nameDe : theme.nameEn;
  };
  const error = result && !result.ok ? (
    <p className="field-error" role="alert">
      {t(`results.themes.errors.${result.error}`)}
    </p>
  ) : null;
  const preview = result?.ok && result.done === 'preview' ? result : null;
  return (
    <>
      <section aria-labelledby="themes-title">
        <h2 id="themes-title">{t('results.themes.title')}</h2>
        <p className="muted">{t('results.themes.intro')}</p>
        {result?.ok && result.done !== 'preview' ? (
          <p role="status" className="alert alert-success">
            {t(`results.themes.saved.${result.done}`)}
          </p>
        ) : null}
        {result && !result.ok && result.themeId === undefined ? error : null}
        {themes.length === 0 ? <p className="muted">{t('results.themes.none')}</p> : null}
        {themes.map((theme) => (
          <details key={theme.id} className="theme-editor">
            <summary>
              <strong>{german ? theme.nameDe : theme.nameEn}</strong>{' '}
              <span className="muted">{[...theme.keywordsDe, ...theme.keywordsEn].slice(0, 6).join(', ')}</span>
            </summary>
            <Form method="post" aria-label={german ? theme.nameDe : theme.nameEn}>
              <input type="hidden" name="themeId" value={theme.id} />
              <ThemeFields idPrefix={`theme-${theme.id}`} values={theme} />
              {result && !result.ok && result.themeId === theme.id ? error : null}
              <div className="button-row">
                <button type="submit" name="intent" value="save" className="button primary" disabled={busy}>
                  {t('results.themes.save')}
                </button>
                <button type="submit" name="intent" value="remove" className="button" disabled={busy}>
                  {t('results.themes.remove')}
                </button>
              </div>
            </Form>
          </details>
        ))}
      </section>

      <section aria-labelledby="new-theme-title">
        <h2 id="new-theme-title">{t('results.themes.addTitle')}</h2>
        <Form method="post" key={result?.ok && result.done === 'add' ? 'added' : 'editing'}>
          <ThemeFields idPrefix="new-theme" />
          <button type="submit" name="intent" value="add" className="button primary" disabled={busy}>
            {t('results.themes.add')}
          </button>
        </Form>
      </section>

      <section aria-labelledby="preview-title">
        <h2 id="preview-title">{t('results.themes.previewTitle')}</h2>
        <p className="muted">{t('results.themes.previewIntro')}</p>
        <Form method="post">
          <div className="filters">
            <div className="field">
              <label htmlFor="preview-keywords-de">{t('results.themes.keywordsDe')}</label>
              <textarea id="preview-keywords-de" name="keywordsDe" rows={3} maxLength={4000} defaultValue={preview?.keywordsDe} lang="de" />
            </div>
            <div className="field">
              <label htmlFor="preview-keywords-en">{t('results.themes.keywordsEn')}</label>
              <textarea id="preview-keywords-en" name="keywordsEn" rows={3} maxLength={4000} defaultValue={preview?.keywordsEn} lang="en" />
            </div>
          </div>
          <div className="field">
            <label htmlFor="preview-samples">{t('results.themes.samples')}</label>
            <textarea id="preview-samples" name="samples" rows={4} maxLength={5000} defaultValue={preview?.samples} />
          </div>
          <button type="submit" name="intent" value="preview" className="button" disabled={busy}>
            {t('results.themes.preview')}
          </button>
        </Form>
        {preview ? (
          <ul role="status" aria-label={t('results.themes.previewTitle')}>
            {preview.results.map((row, index) => (
              <li key={index}>
                {`„${row.sample}“ — `}
                <strong>{row.matches ? t('results.themes.previewMatches') : t('results.themes.previewNoMatch')}</strong>
                {row.themeIds.length > 0 ? ` (${t('results.themes.previewThemes', { themes: row.themeIds.map(nameOf).join(', ') })})` : ''}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="suggestions-title">
        <h2 id="suggestions-title">{t('results.themes.suggestionsTitle')}</h2>
        {suggestions.period === null || suggestions.phrases.length === 0 ? (
          <p className="muted">{t('results.themes.suggestionsNone')}</p>
        ) : (
          <>
            <p className="muted">{t('results.themes.suggestionsIntro', { period: suggestions.period })}</p>
            <ul>
              {suggestions.phrases.map((phrase) => (
                <li key={phrase.stems}>
                  {phrase.example} <span className="muted">({phrase.count})</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
