import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import type { Env } from '../config/env.server';
import { normalisedPath } from './body-limit.server';
import { isSameOriginPost } from './form-origin.server';
import { remixHandler } from './remix-handler.server';
import { runInRequestScope } from './request-scope.server';
import { plainSurveyPageToken, surveyPages } from './survey-pages.server';

/** Paths that are called by machines with their own authentication, not by browser forms. */
const machinePaths = /^\/(api|webhooks)\//;

/**
 * The HTTP stack in front of Remix: the customer's survey (served ahead of
 * everything else, with its own fixed headers), compression, security
 * headers with a per-request CSP nonce, refusal of cross-origin form posts,
 * static files.
 */
export function createApp(build: ServerBuild, env: Env) {
  const app = express();
  app.disable('x-powered-by');
  // Nothing reads req.query (Remix and the survey read the URL themselves);
  // parsing every query string with qs only cost time.
  app.set('query parser', false);
  // A hop count or the proxies' addresses, never `true` (every X-Forwarded-For entry); see trustProxySetting.
  if (env.TRUST_PROXY !== false) app.set('trust proxy', env.TRUST_PROXY);
  // The customer's survey is answered before anything below runs (its own
  // headers and checks), uncompressed: a step page is 2–8 KB, which fits in
  // TCP's first round trip anyway, and gzip was a large part of a page's
  // server CPU (docs/benchmarks.md, "Survey pages").
  const survey = surveyPages(build, env);
  app.use(survey.handler);
  app.use(compression());

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce as string}'`],
          // React renders style attributes (e.g. chart sizes); styles cannot run code.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': env.APP_URL.startsWith('https:') ? [] : null,
        },
      },
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: env.APP_URL.startsWith('https:'),
    }),
  );

  // NUL characters cannot reach PostgreSQL text; a URL carrying one is refused up front.
  app.use((req, res, next) => {
    if (/%00/.test(req.originalUrl)) {
      res.status(400).type('text/plain').send('The address contains characters that are not allowed.');
      return;
    }
    next();
  });

  // Cross-origin form posts are refused (see isSameOriginPost).
  app.use((req, res, next) => {
    // On the path Remix routes by: `/api/../app/settings/members` is a staff form, not the API.
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || machinePaths.test(normalisedPath(req))) return next();
    if (!isSameOriginPost(req, env.APP_URL)) {
      res.status(403).type('text/plain').send('Cross-origin form posts are refused.');
      return;
    }
    // Checked here; Remix's own check would answer `Origin: null` (or an APP_URL
    // behind a proxy) with a 500, so it gets nothing left to compare.
    delete req.headers.origin;
    next();
  });

  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }));
  // Files in public/ all have an extension; other paths skip the file system lookup.
  const publicFiles = express.static('public', { maxAge: '1h' });
  app.use((req, res, next) => (/\.\w+$/.test(req.path) ? publicFiles(req, res, next) : next()));
  // Every request body passes its size limit here (app/http/body-limit.server.ts).
  const remix = remixHandler({
    build,
    mode: env.NODE_ENV === 'production' ? 'production' : 'development',
    getLoadContext: (req, res) => ({
      cspNonce: res.locals.cspNonce as string,
      clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      signup: env.SIGNUP,
    }),
  });
  // One scope per request, so a page's loaders share what they look up (the member).
  app.all('*', (req, res, next) => runInRequestScope(() => remix(req, res, next)));

  // A survey page (GET of /s/<well-formed token>) is answered on the plain
  // Node request before Express sets anything up; everything else, other
  // requests under /s/ included, goes through the stack above.
  const clientAddress = expressClientAddress(app);
  answerFirst(app, (req, res) => {
    const token = plainSurveyPageToken(req);
    if (token === null) return false;
    survey.page(req, res, token, clientAddress(req));
    return true;
  });
  return app;
}

/** How Express calls an app (as the server's listener, or mounted in another app). */
type Handle = (req: IncomingMessage, res: ServerResponse, callback?: (error?: unknown) => void) => void;

/**
 * Lets `first` answer a request before `app` does anything with it, whether
 * the app is the server's listener (`app.listen`) or mounted in another app:
 * both call its `handle`. `first` returns false to leave the request to the app.
 */
export function answerFirst(app: express.Express, first: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const target = app as unknown as { handle: Handle };
  const handle = target.handle.bind(app);
  target.handle = (req, res, callback) => {
    if (!first(req, res)) handle(req, res, callback);
  };
}

/** The address Express gives as `req.ip` for a plain request: its own getter, with the app's proxy trust (TRUST_PROXY). */
export function expressClientAddress(app: express.Express): (req: IncomingMessage) => string | undefined {
  const ip = Object.getOwnPropertyDescriptor(express.request, 'ip')?.get;
  if (!ip) throw new Error('Express no longer defines req.ip as a getter.');
  return (req) => ip.call({ app, headers: req.headers, socket: req.socket, connection: req.socket }) as string | undefined;
}

