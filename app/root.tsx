import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { getMember } from './auth/session.server';
import { db } from './db.server';
import { pageLocaleOf } from './i18n';
import { resolveLocale } from './i18n/locale.server';
import stylesUrl from './styles/app.css';
import { useNonce } from './ui/nonce';
import { ErrorPage } from './ui/error-page';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesUrl },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await getMember(db(), request);
  return json({ locale: await resolveLocale(request, member?.user.locale) });
}

/** A route sets `handle = { hydrate: false }` to ship no JavaScript at all (survey pages). */
export interface RouteHandle {
  hydrate?: boolean;
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const nonce = useNonce();
  const matches = useMatches();
  const hydrate = !matches.some((match) => (match.handle as RouteHandle | undefined)?.hydrate === false);
  const lang = pageLocaleOf(
    matches.map((match) => match.data),
    data?.locale ?? 'de',
  );
  // After a client-side navigation (e.g. the language switch) follow the page's language.
  const { i18n } = useTranslation();
  if (i18n.language !== lang) void i18n.changeLanguage(lang);
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        {hydrate ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  if (!isRouteErrorResponse(error)) console.error(error);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <main className="auth-page" id="main">
      <ErrorPage status={status} />
    </main>
  );
}
