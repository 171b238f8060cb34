import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { isRouteErrorResponse, RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { createI18n, isLocale, pageLocaleOf } from './i18n';
import { withoutNulBytes } from './http/without-nul-bytes.server';
import { NonceProvider } from './ui/nonce';

// The customer's survey pages are served by the HTTP layer ahead of Remix
// (app/http/survey-pages.server.ts); they live in the build because they
// render with the build's styles and components.
export { surveyPageReply, surveyPostReply } from './surveys/customer-pages.server';

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const loaderData = remixContext.staticHandlerContext.loaderData;
  const rootLocale = (loaderData.root as { locale?: string } | undefined)?.locale;
  const i18n = createI18n(pageLocaleOf(Object.values(loaderData), isLocale(rootLocale) ? rootLocale : 'de'));
  const nonce = loadContext.cspNonce;
  // A 413 is answered without reading the body (readFormData): the rest of it
  // is still on the connection, which therefore cannot carry another request.
  if (responseStatusCode === 413) responseHeaders.set('Connection', 'close');
  // Crawlers and link scanners get the whole document at once; browsers get it streamed.
  const readyEvent = isbot(request.headers.get('user-agent') ?? '') ? 'onAllReady' : 'onShellReady';

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = withoutNulBytes();
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell are logged; before it, onShellError reports them.
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/** Logs unexpected server errors; 404s and other deliberate responses are not errors. */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  console.error(error);
}
