import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData, useRouteLoaderData } from '@remix-run/react';
import { findUnsubscribeTarget, unsubscribe, type UnsubscribeTarget } from '~/campaigns/unsubscribe.server';
import { db } from '~/db.server';
import { countUnknownToken } from '~/surveys/answering.server';
import { isLocale, translator, type Locale } from '~/i18n';
import type { RouteHandle } from '~/root';
import surveyStyles from '~/styles/survey.css';

// The unsubscribe link of every survey email, /u/<token> (the invitation's
// token). GET asks for confirmation; POST unsubscribes at once, which is also
// what mail providers send for List-Unsubscribe-Post: List-Unsubscribe=One-Click
// (RFC 8058). Plain HTML, no JavaScript.

export const handle: RouteHandle = { hydrate: false };

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: surveyStyles }];

export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After') ?? loaderHeaders.get('Retry-After');
  return {
    'Referrer-Policy': 'no-referrer',
    'X-Robots-Tag': 'noindex, nofollow',
    'Cache-Control': 'no-store',
    ...(retryAfter ? { 'Retry-After': retryAfter } : {}),
  };
};

type PageData =
  | { state: 'invalid' | 'tooMany' }
  | { state: 'ask' | 'done'; company: string; email: string; pageLocale: UnsubscribeTarget['locale'] };

function pageData(target: UnsubscribeTarget, state: 'ask' | 'done'): PageData {
  return { state, company: target.company, email: target.email ?? '', pageLocale: target.locale };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const rootLocale = (matches.find((match) => match.id === 'root')?.data as { locale?: string } | undefined)?.locale;
  const locale = data && 'pageLocale' in data ? data.pageLocale : isLocale(rootLocale) ? rootLocale : 'de';
  return [{ title: translator(locale)('emails.unsubscribe.title') }, { name: 'robots', content: 'noindex, nofollow' }];
};

/**
 * An unknown token: the same 404 for every one, counted per client address in
 * the survey's bucket (these are the survey's tokens), so guessing here is
 * limited exactly as it is at /s/.
 */
async function unknownToken(clientAddress: string) {
  const limit = await countUnknownToken(db(), clientAddress);
  if (limit.limited) return json<PageData>({ state: 'tooMany' }, { status: 429, headers: { 'Retry-After': String(limit.retryAfter) } });
  return json<PageData>({ state: 'invalid' }, { status: 404 });
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const target = await findUnsubscribeTarget(db(), params.token ?? '');
  if (!target) return unknownToken(context.clientAddress);
  return json<PageData>(pageData(target, target.unsubscribed ? 'done' : 'ask'));
}

export async function action({ params, context }: ActionFunctionArgs) {
  const target = await findUnsubscribeTarget(db(), params.token ?? '');
  if (!target) return unknownToken(context.clientAddress);
  await unsubscribe(db(), target);
  return json<PageData>(pageData(target, 'done'));
}

/** The plain frame of the customer pages (the survey's stylesheet): the company's name, one message. */
function CustomerPage({ company, locale, title, children }: { company?: string; locale: Locale; title: string; children: ReactNode }) {
  return (
    <div className="survey" lang={locale}>
      {company ? (
        <header className="survey-header">
          <span className="survey-company">{company}</span>
        </header>
      ) : null}
      <main id="main" className="survey-main">
        <section className="survey-message" aria-labelledby="unsubscribe-title">
          <h1 id="unsubscribe-title">{title}</h1>
          {children}
        </section>
      </main>
    </div>
  );
}

export default function UnsubscribePage() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const root = useRouteLoaderData<{ locale: Locale }>('root');
  const data = (acted ?? loaded) as PageData;
  const locale = 'pageLocale' in data ? data.pageLocale : (root?.locale ?? 'de');
  const { i18n } = useTranslation();
  const t = i18n.getFixedT(locale);
  if (data.state === 'tooMany') {
    return (
      <CustomerPage locale={locale} title={t('survey.tooManyTitle')}>
        <p>{t('survey.tooManyText')}</p>
      </CustomerPage>
    );
  }
  if (data.state === 'invalid' || !('company' in data)) {
    return (
      <CustomerPage locale={locale} title={t('emails.unsubscribe.invalidTitle')}>
        <p>{t('emails.unsubscribe.invalid')}</p>
      </CustomerPage>
    );
  }
  const vars = { company: data.company, email: data.email };
  if (data.state === 'done') {
    return (
      <CustomerPage company={data.company} locale={locale} title={t('emails.unsubscribe.doneTitle')}>
        <p role="status">{t('emails.unsubscribe.done', vars)}</p>
      </CustomerPage>
    );
  }
  return (
    <CustomerPage company={data.company} locale={locale} title={t('emails.unsubscribe.title')}>
      <p>{t('emails.unsubscribe.question', vars)}</p>
      <form method="post">
        <button type="submit" className="button primary">
          {t('emails.unsubscribe.button')}
        </button>
      </form>
    </CustomerPage>
  );
}
