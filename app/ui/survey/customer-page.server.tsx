import type { TFunction } from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { resources, type Locale } from '~/i18n';
import { surveyTexts } from '~/i18n/survey';
import appStyles from '~/styles/app.css';
import surveyStyles from '~/styles/survey.css';
import type { StepState, StepView } from '~/surveys/step-view';
import { ClosedMessage, ThanksMessage } from './messages';
import { StepForm } from './step-form';
import { SurveyFrame, SurveyMessage } from './survey-frame';

/**
 * The whole HTML document of a page a customer sees. The survey route
 * renders it itself, outside Remix: no root layout, no session lookup, one
 * small deferred script on step pages, so a page costs little more than its one query
 * (docs/decisions/0007-survey-answering.md).
 */
export type CustomerPage = { locale: Locale } & (
  | { view: 'step'; company: string; step: StepView; state: StepState; rev: string; answer: string | null }
  | { view: 'thanks'; company: string; closes: string | null }
  | { view: 'closed'; company: string; answered: boolean }
  | { view: 'error'; kind: 'notFound' | 'tooMany' | 'badForm' | 'error' }
);

/**
 * `t` for the customer pages: the survey's texts are plain keys with
 * `{{placeholders}}`, so a lookup in the bundled texts gives what i18next
 * gives (a unit test compares every key), at a fraction of its per-call cost.
 */
export function plainTranslator(locale: Locale): TFunction {
  const texts = resources[locale].translation as unknown as Record<string, unknown>;
  // Keys are the components' fixed strings: a page looks up dozens, always the same ones.
  const found = new Map<string, unknown>();
  const lookup = (key: string) => {
    let node: unknown = texts;
    for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    if (found.size < 10_000) found.set(key, node);
    return node;
  };
  const t = (key: string, values?: Record<string, unknown>) => {
    const node = found.has(key) ? found.get(key) : lookup(key);
    if (typeof node !== 'string') return key;
    // A placeholder without a value stays, as with i18next (the page's script fills `{{characters}}`).
    return values ? node.replace(/{{(\w+)}}/g, (placeholder, name: string) => (values[name] === undefined ? placeholder : String(values[name]))) : node;
  };
  return t as unknown as TFunction;
}

const translators = { de: plainTranslator('de'), en: plainTranslator('en') };

/** The step pages' progressive enhancement, a same-origin file (public/survey.js): no inline script, no CSP nonce. */
const surveyScript = '/survey.js';

function languageHref(page: CustomerPage, locale: Locale): string {
  // Every part is a fixed word or a number (locales, step indexes, the miss-us option keys).
  let query = `?lang=${locale}`;
  if (page.view === 'step') query += `&step=${page.step.index}`;
  if (page.view === 'step' && page.state.preselected && page.answer) query += `&answer=${encodeURIComponent(page.answer)}`;
  return query;
}

function Body({ page, t }: { page: CustomerPage; t: TFunction }) {
  if (page.view === 'error') {
    const kind = page.kind === 'badForm' ? 'error' : page.kind;
    return (
      <SurveyFrame locale={page.locale} t={t}>
        <SurveyMessage title={t(`survey.${kind}Title`)}>
          <p>{page.kind === 'badForm' ? t('survey.errors.form') : t(`survey.${kind}Text`)}</p>
        </SurveyMessage>
      </SurveyFrame>
    );
  }
  return (
    <SurveyFrame company={page.company} locale={page.locale} languageHref={(locale) => languageHref(page, locale)} t={t}>
      {page.view === 'closed' ? (
        <ClosedMessage answered={page.answered} t={t} />
      ) : page.view === 'thanks' ? (
        <ThanksMessage company={page.company} closes={page.closes} changeHref="?step=0" t={t} />
      ) : (
        <StepForm
          view={page.step}
          company={page.company}
          action={`?step=${page.step.index}`}
          hidden={{ step: String(page.step.index), lang: page.locale, rev: page.rev }}
          t={t}
          state={page.state}
        />
      )}
    </SurveyFrame>
  );
}

/** The page as an HTML document. */
export function renderCustomerPage(page: CustomerPage): string {
  const t = translators[page.locale];
  const texts = surveyTexts[page.locale];
  const title = page.view === 'error' ? texts.title : texts.pageTitle.replace('{{company}}', page.company);
  // Static markup: the page is never hydrated (no React in the browser), so React's text-node markers are left out.
  const html = renderToStaticMarkup(
    <html lang={page.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <link rel="stylesheet" href={appStyles} />
        <link rel="stylesheet" href={surveyStyles} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {page.view === 'step' ? <script src={surveyScript} defer /> : null}
      </head>
      <body>
        <Body page={page} t={t} />
      </body>
    </html>,
  );
  return `<!DOCTYPE html>${html}`;
}
